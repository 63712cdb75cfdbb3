# terraform validate reads no tfvars: this file's errors are not reported
n = "abc"
m = "x"
undeclared = 1
broken = 
