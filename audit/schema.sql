-- The audit trail (audit/): append-only and hash-chained. Idempotent.
create schema if not exists app;

-- ids are drawn by the chaining trigger, under its lock, so id order is chain order
create sequence if not exists app.audit_log_id_seq;
create table if not exists app.audit_log (
  id bigint primary key,
  at timestamptz not null default clock_timestamp(),
  user_name text not null,          -- a user's name, 'service' for integration tokens, the OS user for the CLI
  role text,
  region_code text,
  client_address text,
  action text not null,
  target text,
  detail jsonb not null default '{}'::jsonb,
  outcome text not null check (outcome in ('ok', 'denied', 'failed')),
  prev_hash text not null,
  hash text not null
);
create index if not exists audit_log_at on app.audit_log (at);
create index if not exists audit_log_user_at on app.audit_log (user_name, at);
create index if not exists audit_log_action_at on app.audit_log (action, at);

-- The text a record's hash covers. The verifier (audit/verify.ts) rebuilds the
-- same text from the columns and recomputes the chain itself.
create or replace function app.audit_canonical(r app.audit_log) returns text
language sql immutable as $$
  select concat_ws(E'\x1f',
    r.id::text,
    to_char(r.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    r.user_name, coalesce(r.role, ''), coalesce(r.region_code, ''), coalesce(r.client_address, ''),
    r.action, coalesce(r.target, ''), r.detail::text, r.outcome)
$$;

-- Chains each record to the one before, one writer at a time.
create or replace function app.audit_chain() returns trigger
language plpgsql as $$
declare
  previous text;
begin
  perform pg_advisory_xact_lock(7310101);
  select hash into previous from app.audit_log order by id desc limit 1;
  new.id := nextval('app.audit_log_id_seq');
  new.at := clock_timestamp();
  new.prev_hash := coalesce(previous, repeat('0', 64));
  new.hash := encode(sha256(convert_to(new.prev_hash || app.audit_canonical(new), 'UTF8')), 'hex');
  return new;
end
$$;

-- History cannot be rewritten: updates and truncation are refused, and a
-- delete only by `npm run audit -- prune`, only of the oldest records past the
-- retention it states (app.audit_prune_before, set for its transaction alone).
create or replace function app.audit_refuse_change() returns trigger
language plpgsql as $$
declare
  prune_before text := nullif(current_setting('app.audit_prune_before', true), '');
begin
  if tg_op = 'DELETE' and prune_before is not null then
    if old.at < prune_before::timestamptz and old.at < now() - interval '30 days' then
      return old;
    end if;
  end if;
  raise exception '审计日志只允许追加，不能修改或删除（%）', tg_op using errcode = 'insufficient_privilege';
end
$$;

drop trigger if exists audit_chain on app.audit_log;
create trigger audit_chain before insert on app.audit_log for each row execute function app.audit_chain();
drop trigger if exists audit_no_update on app.audit_log;
create trigger audit_no_update before update or delete on app.audit_log for each row execute function app.audit_refuse_change();
drop trigger if exists audit_no_truncate on app.audit_log;
create trigger audit_no_truncate before truncate on app.audit_log for each statement execute function app.audit_refuse_change();
