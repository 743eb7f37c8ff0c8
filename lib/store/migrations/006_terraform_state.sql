-- Terraform state served over Terraform's http backend protocol: one row per project and state name holding the
-- current lock, and every version ever written (with the API key that wrote it), so any of them can be restored.
CREATE TABLE terraform_states (
  project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  name text NOT NULL,
  latest_version integer NOT NULL DEFAULT 0,
  -- The lock as Terraform sent it (ID, Operation, Who, Version, Created, Path, Info). Text, not jsonb: jsonb
  -- refuses some JSON strings (\u0000) that Terraform may send.
  lock_id text,
  lock_info text,
  locked_by_key_id uuid,
  locked_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (project_id, name)
);

CREATE TABLE terraform_state_versions (
  project_id uuid NOT NULL,
  name text NOT NULL,
  version integer NOT NULL,
  -- The state document exactly as Terraform uploaded it (a secret: never logged).
  content text NOT NULL,
  serial bigint,
  lineage text,
  size_bytes integer NOT NULL,
  md5 text NOT NULL,
  -- Who wrote it: the key's id and its description at that time (kept when the key is revoked later).
  written_by_key_id uuid NOT NULL,
  written_by text NOT NULL,
  restored_from integer,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (project_id, name, version),
  FOREIGN KEY (project_id, name) REFERENCES terraform_states (project_id, name) ON DELETE CASCADE
);
