# initial
