-- Notices (通报): drafts, review, issue and the archive (notices/). Idempotent.
create schema if not exists app;

create table if not exists app.notices (
  id bigserial primary key,
  kind text not null check (kind in ('monthly', 'quarterly')),
  period text not null check (period ~ '^\d{4}-(\d{2}|Q[1-4])$'),
  region_code text not null check (region_code ~ '^\d{12}$'),
  region_name text not null,
  state text not null default '拟稿' check (state in ('拟稿', '待审核', '已签发')),
  -- 文号, assigned on issue: unique per year and kind (the pattern names the kind)
  number text unique,
  number_year integer,
  number_seq integer,
  title text not null,
  -- the typed document (notices/document.ts): figures with their Cube queries, tables, text
  content jsonb not null,
  -- 更正通报: the issued notice this one corrects
  corrects_notice_id bigint references app.notices (id),
  -- the newest succeeded etl.batches id when the figures were computed
  data_batch_id bigint,
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_by text,
  updated_at timestamptz,
  submitted_by text,
  submitted_at timestamptz,
  issued_by text,
  issued_at timestamptz,
  -- frozen at issue, served byte for byte
  docx bytea,
  docx_sha256 text check (docx_sha256 ~ '^[0-9a-f]{64}$'),
  unique (kind, number_year, number_seq),
  check ((state = '已签发') = (number is not null and docx is not null and issued_at is not null))
);
create index if not exists notices_period on app.notices (period, region_code);
create index if not exists notices_state on app.notices (state, created_at desc);

-- The workflow's history: every step with who, when and the comment.
create table if not exists app.notice_steps (
  id bigserial primary key,
  notice_id bigint not null references app.notices (id),
  step text not null check (step in ('create', 'edit', 'refresh', 'submit', 'return', 'issue')),
  from_state text,
  to_state text not null,
  by_name text not null,
  by_role text,
  comment text,
  at timestamptz not null default now()
);
create index if not exists notice_steps_notice on app.notice_steps (notice_id, id);

-- 文号 sequences per kind and year: one row locked per issue, so two issues never share a number.
create table if not exists app.notice_numbers (
  kind text not null,
  year integer not null,
  last_seq integer not null,
  primary key (kind, year)
);

-- An issued notice never changes: its figures, text, number and .docx stay as issued.
create or replace function app.notices_frozen() returns trigger
language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    if old.state = '已签发' then
      raise exception '已签发的通报 % 不能删除', old.id using errcode = 'insufficient_privilege';
    end if;
    return old;
  end if;
  if old.state = '已签发' then
    raise exception '已签发的通报 % 不能修改；如需更正，请拟写更正通报', old.id using errcode = 'insufficient_privilege';
  end if;
  return new;
end
$$;
drop trigger if exists notices_frozen on app.notices;
create trigger notices_frozen before update or delete on app.notices for each row execute function app.notices_frozen();
