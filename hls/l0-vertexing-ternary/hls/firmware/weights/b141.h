//Numpy array shape [8]
//Min -0.406250000000
//Max 0.000000000000
//Number of zeros 1

#ifndef B141_H_
#define B141_H_

#ifndef __SYNTHESIS__
bias141_t b141[8];
#else
bias141_t b141[8] = {-0.18750, -0.15625, -0.09375, -0.06250, -0.40625, 0.00000, -0.21875, -0.09375};

#endif

#endif
