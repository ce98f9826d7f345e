import XCTest
@testable import RecurCompute

/// The first OpenCL device, or a skip with the reason when this machine has none.
func firstOpenCLDevice() throws -> OpenCLDeviceEntry {
    let found = OpenCLDiscovery.discover()
    guard let entry = found.devices.first else {
        throw XCTSkip("no OpenCL device on this machine (\(found.problem ?? "none found")); install pocl-opencl-icd")
    }
    return entry
}

/// Runs kernel checks on every OpenCL device and fails with each check's first mismatches.
func assertKernelChecksPass(_ checks: [KernelCheck], file: StaticString = #filePath, line: UInt = #line) throws {
    let devices = OpenCLDiscovery.discover().devices
    guard !devices.isEmpty else { throw XCTSkip("no OpenCL device on this machine; install pocl-opencl-icd") }
    XCTAssertFalse(checks.isEmpty, "no checks to run", file: file, line: line)
    for entry in devices {
        let backend = try OpenCLBackend(entry: entry)
        let verifier = KernelVerifier()
        for check in checks {
            let result = verifier.run(check, on: backend)
            XCTAssertTrue(result.passed, "\(entry.info.identifier) \(check.name) \(check.shape): \(result.error ?? result.mismatches.joined(separator: "; "))",
                          file: file, line: line)
        }
    }
}
