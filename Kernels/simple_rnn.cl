// simple_rnn.cl: placeholder, filled in below
