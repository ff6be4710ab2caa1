-- Rectification items (整改问题) and their history (rectification/). Idempotent:
-- applied at every start. The models read these tables directly
-- (models/staging/stg_app__rectification_*), so the Cube view `rectification`
-- counts what the application holds the moment it is written.
create schema if not exists app;

create table if not exists app.rectification_items (
  item_id bigint generated always as identity primary key,
  -- imported items keep their 问题编号; the application numbers its own ZG-<year>-<nnnn>
  number text not null unique check (length(number) between 1 and 64),
  region_code text not null check (region_code ~ '^\d{12}$'),
  category text not null check (category in ('不符合条件享受', '应保未保', '资金发放不及时', '审核超时', '档案不规范', '近亲属未备案', '死亡未及时停发', '其他')),
  source text not null check (source in ('专项检查', '审计', '督查', '群众举报', '数据比对', '舆情')),
  description text not null check (length(description) between 1 and 2000),
  -- [{id_number, name}] of the persons involved, when known (findings, entry by hand)
  persons jsonb not null default '[]' check (jsonb_typeof(persons) = 'array'),
  person_count integer check (person_count >= 0),
  amount_yuan numeric(14, 2) check (amount_yuan >= 0),
  responsible_unit text not null check (length(responsible_unit) between 1 and 200),
  -- the day the problem was found (发现日期): the item counts as open from that day
  found_on date not null,
  deadline_on date not null,
  -- how the deadline was given: a number of days counted from a start day, in
  -- calendar days or (deadline_in_working_days) in official working days
  deadline_days integer check (deadline_days > 0),
  deadline_in_working_days boolean not null default false,
  state text not null check (state in ('待整改', '整改中', '已整改', '回头看', '已销号')),
  -- the day it was last reported fixed (entered 已整改); days to close count to it
  completed_on date,
  origin text not null check (origin in ('application', 'import', 'proposal')),
  created_at timestamptz not null default now(),
  created_by text not null,
  updated_at timestamptz not null default now(),
  updated_by text not null
);
create index if not exists rectification_items_region on app.rectification_items (region_code text_pattern_ops);
create index if not exists rectification_items_state on app.rectification_items (state, deadline_on);

-- Every step of an item's history: its creation (from_state null) and each
-- change of state, deadline or facts. Reviews (回头看 → 已销号 / 整改中) carry
-- their result; a later import adds steps, it never rewrites earlier ones.
create table if not exists app.rectification_steps (
  step_id bigint generated always as identity primary key,
  item_id bigint not null references app.rectification_items (item_id) on delete cascade,
  at timestamptz not null default now(),
  -- the day the step counts on: today (Asia/Shanghai) in the application, the file's date for imports
  step_on date not null,
  by_name text not null,
  by_role text,
  from_state text check (from_state in ('待整改', '整改中', '已整改', '回头看', '已销号')),
  to_state text not null check (to_state in ('待整改', '整改中', '已整改', '回头看', '已销号')),
  note text,
  deadline_on date,
  review_result text check (review_result in ('通过', '未通过')),
  batch_id bigint
);
create index if not exists rectification_steps_item on app.rectification_steps (item_id, step_id);
create index if not exists rectification_steps_review on app.rectification_steps (step_on) where review_result is not null;

-- Evidence files, kept in the warehouse: uploaded for an item, then attached to
-- the step (a transition) that cites them.
create table if not exists app.rectification_evidence (
  evidence_id bigint generated always as identity primary key,
  item_id bigint not null references app.rectification_items (item_id) on delete cascade,
  step_id bigint references app.rectification_steps (step_id),
  file_name text not null,
  media_type text not null check (media_type in ('application/pdf', 'image/png', 'image/jpeg', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'application/msword')),
  size_bytes integer not null check (size_bytes > 0 and size_bytes <= 20 * 1024 * 1024),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  content bytea not null,
  uploaded_at timestamptz not null default now(),
  uploaded_by text not null
);
create index if not exists rectification_evidence_item on app.rectification_evidence (item_id);

-- Which integrity finding (marts.fct_integrity_findings) an item covers, with
-- the hash of the finding's facts when it was accepted. A finding is covered
-- by at most one item.
create table if not exists app.rectification_finding_links (
  finding_id text primary key,
  item_id bigint not null references app.rectification_items (item_id) on delete cascade,
  facts_hash text not null,
  linked_at timestamptz not null default now(),
  linked_by text not null
);
create index if not exists rectification_finding_links_item on app.rectification_finding_links (item_id);

-- Findings dismissed as not a problem, for the facts they had then: the
-- finding is proposed again once its facts (hash) change.
create table if not exists app.rectification_dismissals (
  dismissal_id bigint generated always as identity primary key,
  finding_id text not null,
  facts_hash text not null,
  reason text not null check (length(reason) between 1 and 500),
  dismissed_by text not null,
  dismissed_at timestamptz not null default now(),
  unique (finding_id, facts_hash)
);

-- Fields a kind-12 import did not overwrite because the application changed
-- the item after the file's row was written (the row's latest date).
create table if not exists app.rectification_import_conflicts (
  conflict_id bigint generated always as identity primary key,
  batch_id bigint not null,
  number text not null,
  field text not null,
  file_value text,
  application_value text,
  reason text not null,
  recorded_at timestamptz not null default now()
);
create index if not exists rectification_import_conflicts_batch on app.rectification_import_conflicts (batch_id);

-- The last number the application gave per year (ZG-<year>-<nnnn>).
create table if not exists app.rectification_numbers (
  year integer primary key,
  last_number integer not null
);
