// reduce.cl: placeholder, filled in below
