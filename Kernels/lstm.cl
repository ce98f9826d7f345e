// lstm.cl: placeholder, filled in below
