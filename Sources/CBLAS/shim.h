// OpenBLAS's cblas.h also declares openblas_set_num_threads, which the server uses to stay single-threaded.
#include <cblas.h>
