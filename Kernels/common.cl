// common.cl: placeholder, filled in below
