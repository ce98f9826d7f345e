// optimizer.cl: placeholder, filled in below
