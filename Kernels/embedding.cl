// embedding.cl: placeholder, filled in below
