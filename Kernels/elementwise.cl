// elementwise.cl: placeholder, filled in below
