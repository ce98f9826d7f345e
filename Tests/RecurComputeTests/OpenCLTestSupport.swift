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

/// The first OpenCL device's backend on `paths`, without the program cache; a skip where there
/// is no device, or where `paths` is `.gpu` and the device is a GPU (its own paths were run).
func openCLBackend(paths: OpenCLPaths, sourceOverrides: [String: String] = [:], recurrentLoops: RecurrentLoopMode? = nil) throws -> OpenCLBackend {
    let entry = try firstOpenCLDevice()
    if paths == .gpu && entry.isGPU { throw XCTSkip("the device is a GPU: its own paths are a GPU's, checked on .device") }
    return try OpenCLBackend(entry: entry, cache: nil, sourceOverrides: sourceOverrides, recurrentLoops: recurrentLoops, paths: paths)
}

/// Backends for every OpenCL device on its own paths and, for a device that is not a GPU, on a
/// GPU's too (``OpenCLPaths/gpu``): the GPU paths' kernels are checked here though no GPU is.
func openCLBackendsOnEveryPath() throws -> [OpenCLBackend] {
    let devices = OpenCLDiscovery.discover().devices
    guard !devices.isEmpty else { throw XCTSkip("no OpenCL device on this machine; install pocl-opencl-icd") }
    return try devices.map { try OpenCLBackend(entry: $0) }
        + devices.filter { !$0.isGPU }.map { try OpenCLBackend(entry: $0, paths: .gpu) }
}

/// Runs kernel checks on every OpenCL device, on every path (``openCLBackendsOnEveryPath()``),
/// and fails with each check's first mismatches.
func assertKernelChecksPass(_ checks: [KernelCheck], file: StaticString = #filePath, line: UInt = #line) throws {
    let backends = try openCLBackendsOnEveryPath()
    XCTAssertFalse(checks.isEmpty, "no checks to run", file: file, line: line)
    let verifier = KernelVerifier()
    for backend in backends {
        for check in checks {
            let result = verifier.run(check, on: backend)
            XCTAssertTrue(result.passed, "\(backend.device.identifier) \(check.name) \(check.shape): \(result.error ?? result.mismatches.joined(separator: "; "))",
                          file: file, line: line)
        }
    }
}
