import RecurCompute
print(CPUBackend().device.name)
