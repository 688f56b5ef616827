//Numpy array shape [1]
//Min 0.062500000000
//Max 0.062500000000
//Number of zeros 0

#ifndef B139_H_
#define B139_H_

#ifndef __SYNTHESIS__
bias139_t b139[1];
#else
bias139_t b139[1] = {0.0625};

#endif

#endif
