import Foundation
import RecurKernels
import XCTest
@testable import RecurCompute

/// `recur verify`'s machinery catches what it exists to catch, and device problems fall back.
final class VerificationTests: XCTestCase {
    /// An LSTM kernel with the forget gate's sign flipped builds fine and is wrong.
    static let wrongLSTM = KernelSources.programs["lstm"]!
        .replacingOccurrences(of: "float c = fg * c_prev[i] + ig * cg;", with: "float c = -fg * c_prev[i] + ig * cg;")

    func testAWrongKernelFailsVerification() throws {
        let entry = try firstOpenCLDevice()
        XCTAssertNotEqual(Self.wrongLSTM, KernelSources.programs["lstm"], "the sabotage must change the source")
        let backend = try OpenCLBackend(entry: entry, cache: nil, sourceOverrides: ["lstm": Self.wrongLSTM])
        XCTAssertTrue(backend.buildFailures.isEmpty)
        let report = VerificationRun.run(on: [backend], checks: KernelCatalog.cells())
        XCTAssertFalse(report.passed)
        let failed = Set(report.results.filter { !$0.passed }.map(\.check))
        XCTAssertTrue(failed.contains("LSTM forward"), "failed: \(failed)")
        XCTAssertFalse(failed.contains { $0.hasPrefix("GRU") || $0.hasPrefix("SimpleRNN") }, "only LSTM checks may fail: \(failed)")
        let lstmFailure = report.results.first { $0.check == "LSTM forward" && !$0.passed }!
        XCTAssertFalse(lstmFailure.mismatches.isEmpty, "a failure lists its first mismatches")
    }

    func testABuildFailureIsReportedAndFallsBackToCPUWithTheKernelNamed() throws {
        _ = try firstOpenCLDevice()
        let broken = "__kernel void lstm_forward( { this is not OpenCL C }"
        var selector = BackendSelector(cache: nil, sourceOverrides: ["lstm": broken])
        let backend = try OpenCLBackend(entry: selector.devices[0], cache: nil, sourceOverrides: selector.sourceOverrides)
        XCTAssertNotNil(backend.buildFailures["lstm"])
        XCTAssertFalse(backend.supports(.cellForward))
        XCTAssertTrue(backend.supports(.gemm))
        guard case let .programBuildFailed(program, _, log)? = backend.buildFailures["lstm"] else {
            return XCTFail("expected programBuildFailed, got \(String(describing: backend.buildFailures["lstm"]))")
        }
        XCTAssertEqual(program, "lstm.cl")
        XCTAssertFalse(log.isEmpty, "the build log is kept for --verbose")

        let selection = try selector.select(.automatic)
        XCTAssertEqual(selection.backend.device.kind, .cpu)
        let warning = try XCTUnwrap(selection.warning)
        XCTAssertTrue(warning.contains("lstm.cl") && warning.contains("CPU"), warning)
        XCTAssertNotNil(selection.buildLog)
        selector.sourceOverrides = [:]
        XCTAssertEqual(try selector.select(.automatic).backend.device.kind, .opencl)
    }

    func testSecondStartLoadsProgramsFromTheDiskCache() throws {
        let entry = try firstOpenCLDevice()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("recur-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let cache = ProgramCache(directory: directory)
        let first = try OpenCLBackend(entry: entry, cache: cache)
        XCTAssertEqual(first.programCacheHits, 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        XCTAssertEqual(files.filter { $0.hasSuffix(".bin") }.count, KernelSources.programs.count)
        XCTAssertTrue(files.allSatisfy { !$0.hasSuffix(".tmp") }, "no temporary files are left behind")
        let second = try OpenCLBackend(entry: entry, cache: cache)
        XCTAssertEqual(second.programCacheHits, KernelSources.programs.count)
    }

    func testUnknownDeviceNameSaysWhatIsAvailable() {
        let selector = BackendSelector(cache: nil, sourceOverrides: [:])
        XCTAssertThrowsError(try selector.select(.named("no-such-gpu"))) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("no-such-gpu") && message.contains("cpu"), message)
        }
        XCTAssertThrowsError(try selector.select(.openCL(index: 99)))
        XCTAssertEqual(DeviceRequest(parsing: "opencl:1"), .openCL(index: 1))
        XCTAssertEqual(DeviceRequest(parsing: "CPU"), .cpu)
        XCTAssertEqual(DeviceRequest(parsing: "H100"), .named("H100"))
    }

    func testMismatchedShapesAreTypedErrorsNotCrashes() throws {
        let cpu = CPUBackend()
        let a = try cpu.tensor([1, 2, 3]), b = try cpu.tensor([1, 2]), c = try cpu.zeros(1)
        XCTAssertThrowsError(try cpu.run(.gemm(GEMM(m: 2, n: 2, k: 2, a: a, b: b, c: c)))) { error in
            guard case ComputeError.shapeMismatch(let op, let tensor, _, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(op, "gemm"); XCTAssertEqual(tensor, "A")
        }
        XCTAssertThrowsError(try cpu.write([1, 2], to: c))
    }
}
