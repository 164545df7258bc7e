CREATE TABLE `events` (
	`run_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`ts` integer NOT NULL,
	`actor` text NOT NULL,
	`type` text NOT NULL,
	`payload` text NOT NULL,
	PRIMARY KEY(`run_id`, `seq`),
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `gates` (
	`run_id` integer NOT NULL,
	`id` integer NOT NULL,
	`before` text NOT NULL,
	`kind` text NOT NULL,
	`spec` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`detail` text,
	`decided_by` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`run_id`, `id`),
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `members` (
	`run_id` integer NOT NULL,
	`name` text NOT NULL,
	`agent` text NOT NULL,
	`role` text NOT NULL,
	`model` text NOT NULL,
	`status` text DEFAULT 'starting' NOT NULL,
	`current_task` integer,
	`last_action` text,
	`heartbeat_at` integer,
	`turns` integer DEFAULT 0 NOT NULL,
	`input_tokens` integer DEFAULT 0 NOT NULL,
	`output_tokens` integer DEFAULT 0 NOT NULL,
	`cache_read_tokens` integer DEFAULT 0 NOT NULL,
	`cache_write_tokens` integer DEFAULT 0 NOT NULL,
	`cost_usd` real DEFAULT 0 NOT NULL,
	PRIMARY KEY(`run_id`, `name`),
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `messages` (
	`run_id` integer NOT NULL,
	`id` integer NOT NULL,
	`from_member` text NOT NULL,
	`to_member` text NOT NULL,
	`summary` text,
	`body` text NOT NULL,
	`created_at` integer NOT NULL,
	`read_at` integer,
	PRIMARY KEY(`run_id`, `id`),
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `messages_inbox_idx` ON `messages` (`run_id`,`to_member`,`read_at`);--> statement-breakpoint
CREATE TABLE `questions` (
	`run_id` integer NOT NULL,
	`id` integer NOT NULL,
	`kind` text DEFAULT 'agent' NOT NULL,
	`asked_by` text NOT NULL,
	`task_id` integer,
	`gate_id` integer,
	`tool_use_id` text,
	`payload` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`answers` text,
	`answered_by` text,
	`created_at` integer NOT NULL,
	`answered_at` integer,
	PRIMARY KEY(`run_id`, `id`),
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `questions_run_status_idx` ON `questions` (`run_id`,`status`);--> statement-breakpoint
CREATE TABLE `runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`team` text NOT NULL,
	`status` text DEFAULT 'running' NOT NULL,
	`backend` text NOT NULL,
	`seed` integer DEFAULT 0 NOT NULL,
	`workspace` text NOT NULL,
	`budget_usd` real,
	`budget_tokens` integer,
	`config` text NOT NULL,
	`status_reason` text,
	`pid` integer,
	`event_cursor` integer DEFAULT 0 NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer
);
--> statement-breakpoint
CREATE INDEX `runs_status_idx` ON `runs` (`status`);--> statement-breakpoint
CREATE TABLE `task_deps` (
	`run_id` integer NOT NULL,
	`task_id` integer NOT NULL,
	`blocked_by` integer NOT NULL,
	PRIMARY KEY(`run_id`, `task_id`, `blocked_by`)
);
--> statement-breakpoint
CREATE INDEX `task_deps_blocker_idx` ON `task_deps` (`run_id`,`blocked_by`);--> statement-breakpoint
CREATE TABLE `tasks` (
	`run_id` integer NOT NULL,
	`id` integer NOT NULL,
	`key` text,
	`subject` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`active_form` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`owner` text,
	`role` text,
	`stage` text,
	`metadata` text DEFAULT '{}' NOT NULL,
	`created_by` text NOT NULL,
	`attempt` integer DEFAULT 1 NOT NULL,
	`tokens` integer DEFAULT 0 NOT NULL,
	`cost_usd` real DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`started_at` integer,
	`completed_at` integer,
	PRIMARY KEY(`run_id`, `id`),
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `tasks_run_status_idx` ON `tasks` (`run_id`,`status`);--> statement-breakpoint
CREATE UNIQUE INDEX `tasks_run_key_idx` ON `tasks` (`run_id`,`key`);--> statement-breakpoint
CREATE TABLE `transcripts` (
	`run_id` integer NOT NULL,
	`member` text NOT NULL,
	`messages` text NOT NULL,
	`in_flight` text DEFAULT '[]' NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`run_id`, `member`),
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `usage` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`member` text NOT NULL,
	`task_id` integer,
	`model` text NOT NULL,
	`input_tokens` integer NOT NULL,
	`output_tokens` integer NOT NULL,
	`cache_read_tokens` integer NOT NULL,
	`cache_write_tokens` integer NOT NULL,
	`cost_usd` real NOT NULL,
	`ts` integer NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `usage_run_member_idx` ON `usage` (`run_id`,`member`);