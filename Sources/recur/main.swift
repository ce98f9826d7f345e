import RecurCompute
let found = OpenCLDiscovery.discover()
let cl = try OpenCLBackend(entry: found.devices[0])
let verifier = KernelVerifier()
var failed = 0
for check in KernelCatalog.all() {
    let r = verifier.run(check, on: cl)
    if !r.passed { failed += 1; print("FAIL", r.check, r.shape, r.error ?? "", r.mismatches) }
}
print("checks:", KernelCatalog.all().count, "failed:", failed)
