/// `recur verify`'s work: every kernel check on every device against the CPU reference.
public struct VerificationReport: Sendable {
    public var results: [CheckResult]
    /// Per device, kernel programs that failed to build (family → first lines of the log).
    public var buildFailures: [String: [String: String]]
    public var passed: Bool { results.allSatisfy(\.passed) && buildFailures.values.allSatisfy(\.isEmpty) }
    public var failedCount: Int { results.filter { !$0.passed }.count }
}

public enum VerificationRun {
    /// Runs `checks` on each backend (the CPU backend itself is the reference, so it is not
    /// listed). `progress` is called after each check, for a progress line.
    public static func run(on backends: [Backend], checks: [KernelCheck] = KernelCatalog.all(),
                           progress: (Int, Int) -> Void = { _, _ in }) -> VerificationReport {
        let verifier = KernelVerifier()
        var report = VerificationReport(results: [], buildFailures: [:])
        let total = backends.count * checks.count
        var done = 0
        for backend in backends {
            if let opencl = backend as? OpenCLBackend {
                report.buildFailures[backend.device.identifier] = opencl.buildFailures.mapValues { "\($0)" }
            }
            for check in checks {
                report.results.append(verifier.run(check, on: backend))
                done += 1
                progress(done, total)
            }
        }
        return report
    }
}
