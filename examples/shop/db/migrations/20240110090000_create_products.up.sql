CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    name VARCHAR(200) NOT NULL,
    price_cents INTEGER NOT NULL CHECK (price_cents >= 0)
);
-- added after the v1.0.0 release: listing pages sort by name
CREATE INDEX products_name_idx ON products (name);
