CREATE TABLE `transcript_messages` (
	`run_id` integer NOT NULL,
	`member` text NOT NULL,
	`idx` integer NOT NULL,
	`message` text NOT NULL,
	PRIMARY KEY(`run_id`, `member`, `idx`),
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_gates` (
	`run_id` integer NOT NULL,
	`id` integer NOT NULL,
	`before` text NOT NULL,
	`kind` text NOT NULL,
	`spec` text NOT NULL,
	`status` text DEFAULT 'closed' NOT NULL,
	`detail` text,
	`note` text,
	`decided_by` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`run_id`, `id`),
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_gates`("run_id", "id", "before", "kind", "spec", "status", "detail", "note", "decided_by", "updated_at") SELECT "run_id", "id", "before", "kind", "spec", "status", "detail", NULL, "decided_by", "updated_at" FROM `gates`;--> statement-breakpoint
DROP TABLE `gates`;--> statement-breakpoint
ALTER TABLE `__new_gates` RENAME TO `gates`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE TABLE `__new_questions` (
	`run_id` integer NOT NULL,
	`id` integer NOT NULL,
	`kind` text DEFAULT 'agent' NOT NULL,
	`asked_by` text NOT NULL,
	`task_id` integer,
	`gate_id` integer,
	`tool_use_id` text,
	`payload` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`answers` text,
	`answered_by` text,
	`created_at` integer NOT NULL,
	`answered_at` integer,
	PRIMARY KEY(`run_id`, `id`),
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_questions`("run_id", "id", "kind", "asked_by", "task_id", "gate_id", "tool_use_id", "payload", "status", "answers", "answered_by", "created_at", "answered_at") SELECT "run_id", "id", "kind", "asked_by", "task_id", "gate_id", "tool_use_id", "payload", "status", "answers", "answered_by", "created_at", "answered_at" FROM `questions`;--> statement-breakpoint
DROP TABLE `questions`;--> statement-breakpoint
ALTER TABLE `__new_questions` RENAME TO `questions`;--> statement-breakpoint
CREATE INDEX `questions_run_status_idx` ON `questions` (`run_id`,`status`);--> statement-breakpoint
CREATE TABLE `__new_transcripts` (
	`run_id` integer NOT NULL,
	`member` text NOT NULL,
	`in_flight` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`run_id`, `member`),
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `transcript_messages`("run_id", "member", "idx", "message") SELECT t."run_id", t."member", CAST(m.key AS INTEGER), m.value FROM `transcripts` t, json_each(t."messages") m;--> statement-breakpoint
INSERT INTO `__new_transcripts`("run_id", "member", "in_flight", "updated_at") SELECT "run_id", "member", CASE WHEN json_array_length("in_flight") > 0 THEN json_extract("in_flight", '$[0]') ELSE NULL END, "updated_at" FROM `transcripts`;--> statement-breakpoint
DROP TABLE `transcripts`;--> statement-breakpoint
ALTER TABLE `__new_transcripts` RENAME TO `transcripts`;--> statement-breakpoint
ALTER TABLE `events` ADD `task_id` integer;--> statement-breakpoint
CREATE INDEX `events_run_task_idx` ON `events` (`run_id`,`task_id`);--> statement-breakpoint
ALTER TABLE `members` ADD `step` text;--> statement-breakpoint
ALTER TABLE `members` ADD `step_at` integer;--> statement-breakpoint
ALTER TABLE `members` ADD `worker` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `driver` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `heartbeat_at` integer;--> statement-breakpoint
ALTER TABLE `tasks` ADD `sim` text;--> statement-breakpoint
CREATE INDEX `tasks_run_owner_idx` ON `tasks` (`run_id`,`owner`,`status`);--> statement-breakpoint
CREATE TABLE `__new_task_deps` (
	`run_id` integer NOT NULL,
	`task_id` integer NOT NULL,
	`blocked_by` integer NOT NULL,
	PRIMARY KEY(`run_id`, `task_id`, `blocked_by`),
	FOREIGN KEY (`run_id`,`task_id`) REFERENCES `tasks`(`run_id`,`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`run_id`,`blocked_by`) REFERENCES `tasks`(`run_id`,`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_task_deps`("run_id", "task_id", "blocked_by") SELECT d."run_id", d."task_id", d."blocked_by" FROM `task_deps` d WHERE EXISTS (SELECT 1 FROM `tasks` t WHERE t."run_id" = d."run_id" AND t."id" = d."task_id") AND EXISTS (SELECT 1 FROM `tasks` t WHERE t."run_id" = d."run_id" AND t."id" = d."blocked_by");--> statement-breakpoint
DROP TABLE `task_deps`;--> statement-breakpoint
ALTER TABLE `__new_task_deps` RENAME TO `task_deps`;--> statement-breakpoint
CREATE INDEX `task_deps_blocker_idx` ON `task_deps` (`run_id`,`blocked_by`);--> statement-breakpoint
UPDATE `gates` SET "status" = 'closed' WHERE "status" = 'pending';--> statement-breakpoint
UPDATE `gates` SET "spec" = json_object('kind', 'approval', 'question', json_extract("spec", '$.question')) WHERE "kind" = 'approval' AND json_extract("spec", '$.question') IS NOT NULL;--> statement-breakpoint
UPDATE `gates` SET "spec" = json_object('kind', 'approval') WHERE "kind" = 'approval' AND json_extract("spec", '$.question') IS NULL;--> statement-breakpoint
UPDATE `gates` SET "spec" = json_set(json_remove("spec", '$.beat_baseline'), '$.kind', 'metric', '$.beatBaseline', CASE WHEN json_extract("spec", '$.beat_baseline') THEN json('true') ELSE json('false') END) WHERE "kind" = 'metric';--> statement-breakpoint
UPDATE `questions` SET "status" = 'open' WHERE "status" = 'pending';--> statement-breakpoint
UPDATE `questions` SET "kind" = 'approval' WHERE "kind" = 'gate' AND EXISTS (SELECT 1 FROM `gates` g WHERE g."run_id" = `questions`."run_id" AND g."id" = `questions`."gate_id" AND g."kind" = 'approval');--> statement-breakpoint
UPDATE `questions` SET "answers" = (SELECT json_group_array(json_object('question', a.key, 'picked', CASE WHEN a.type = 'array' THEN json(a.value) ELSE json_array(a.value) END, 'text', NULL)) FROM json_each(`questions`."answers") a) WHERE "answers" IS NOT NULL AND json_type("answers") = 'object';--> statement-breakpoint
UPDATE `tasks` SET "sim" = json_extract("metadata", '$.sim'), "metadata" = json_remove("metadata", '$.sim') WHERE json_type("metadata", '$.sim') = 'object';--> statement-breakpoint
UPDATE `events` SET "task_id" = json_extract("payload", '$.taskId') WHERE json_type("payload", '$.taskId') = 'integer';
--> statement-breakpoint
UPDATE `runs` SET "config" = json_patch(json_object('team', "team", 'description', '', 'pipeline', json('[]'), 'members', json('[]'), 'gates', json('[]'), 'teamFile', ''), "config");--> statement-breakpoint
UPDATE `runs` SET "config" = json_set("config", '$.gates', (SELECT json_group_array(CASE WHEN json_extract(g.value, '$.kind') = 'approval' THEN json_object('before', json_extract(g.value, '$.before'), 'spec', json_patch(json_object('kind', 'approval'), json_object('question', json_extract(g.value, '$.question')))) ELSE json_object('before', json_extract(g.value, '$.before'), 'spec', json_patch(json_object('kind', 'metric'), json_object('task', json_extract(g.value, '$.task'), 'metric', json_extract(g.value, '$.metric'), 'min', json_extract(g.value, '$.min'), 'max', json_extract(g.value, '$.max'), 'beatBaseline', CASE json_type(g.value, '$.beat_baseline') WHEN 'true' THEN json('true') WHEN 'false' THEN json('false') END, 'retrain', json(json_extract(g.value, '$.retrain'))))) END) FROM json_each("config", '$.gates') g)) WHERE json_array_length("config", '$.gates') > 0 AND json_type("config", '$.gates[0].spec') IS NULL;
