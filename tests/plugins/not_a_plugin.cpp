// A shared library without kprop's plugin symbols.
extern "C" int kprop_test_not_a_plugin() { return 42; }
