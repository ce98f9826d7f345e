// loss.cl: placeholder, filled in below
