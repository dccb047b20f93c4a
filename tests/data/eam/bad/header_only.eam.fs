tiny synthetic setfl file for kprop tests (make_synthetic.py)

# third header line
2 A B
40 0.003 60
0.1 5.0
