// philox.cl: placeholder, filled in below
