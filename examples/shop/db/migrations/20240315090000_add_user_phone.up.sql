ALTER TABLE users ADD COLUMN phone VARCHAR(32);
CREATE INDEX users_phone_idx ON users (phone);
