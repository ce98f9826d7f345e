// gru.cl: placeholder, filled in below
