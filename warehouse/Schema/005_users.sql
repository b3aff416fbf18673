-- People who sign in to the web pages (api/Access/Users.cs). Same roles and scopes as API keys; the password is a
-- PasswordHasher (PBKDF2) hash, never the password. Kept in the warehouse file so that the one lock DuckDB takes on it
-- also guards the users: the `users` verb cannot change them under a running server (docs/architecture.md).
CREATE TABLE IF NOT EXISTS web_user (
  user_name       VARCHAR PRIMARY KEY,   -- lower-case, as typed at sign-in
  display_name    VARCHAR NOT NULL,
  role            VARCHAR NOT NULL,
  scope           VARCHAR,
  password_hash   VARCHAR NOT NULL,
  disabled        BOOLEAN NOT NULL DEFAULT false,
  failed_count    INTEGER NOT NULL DEFAULT 0,
  locked_until    TIMESTAMP,             -- UTC
  created_at      TIMESTAMP NOT NULL,    -- UTC
  password_set_at TIMESTAMP NOT NULL,    -- UTC; a sign-in cookie issued before it is no longer accepted
  last_sign_in    TIMESTAMP              -- UTC
);
