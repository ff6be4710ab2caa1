-- Accounts and sign-in sessions (auth/). Idempotent: applied at every start.
create schema if not exists app;

create table if not exists app.users (
  name text primary key check (name ~ '^[A-Za-z0-9_.@-]{2,64}$'),
  display_name text not null,
  role text not null check (role in ('admin', 'leader', 'staff', 'inspector')),
  region_code text not null check (region_code ~ '^\d{12}$'),
  enabled boolean not null default true,
  password_hash text not null,
  created_at timestamptz not null default now(),
  last_sign_in_at timestamptz,
  password_changed_at timestamptz not null default now()
);

-- One row per issued token (jti). Revoking a token, or disabling its user,
-- sets revoked_at; the API checks it on every request.
create table if not exists app.sessions (
  jti uuid primary key,
  user_name text not null references app.users (name),
  issued_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  client_address text
);
create index if not exists sessions_user on app.sessions (user_name) where revoked_at is null;

-- Failed sign-ins per name, kept in the warehouse so a restart does not reset the limit.
create table if not exists app.login_failures (
  user_name text not null,
  failed_at timestamptz not null default now(),
  client_address text
);
create index if not exists login_failures_name_time on app.login_failures (user_name, failed_at);
