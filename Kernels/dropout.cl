// dropout.cl: placeholder, filled in below
