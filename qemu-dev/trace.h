#include "trace/trace-hw_net_nfp_ebpf.h"
