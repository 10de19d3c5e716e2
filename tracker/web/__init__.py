"""Web plumbing shared by every blueprint: set-up, access control, fields, CRUD scaffolding."""
