# kprop: Mishin's Cu EAM (lammps-data's Cu_mishin1.eam.alloy) instead of Si.sw.
pair_style	eam/alloy
pair_coeff * * Cu_mishin1.eam.alloy Cu

neighbor 1.0 nsq
neigh_modify once no every 1 delay 0 check yes

min_style	     cg
min_modify	     dmax ${dmax} line quadratic

thermo		1
thermo_style custom step temp pe press pxx pyy pzz pxy pxz pyz lx ly lz vol
thermo_modify norm no
