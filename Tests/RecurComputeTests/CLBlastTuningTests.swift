import XCTest
@testable import RecurCompute

final class CLBlastTuningTests: XCTestCase {
    /// The shape of `clblast_xgemm_direct_1_32.json` as CLBlast 1.5's tuner writes it (trimmed).
    let tunerJSON = """
    {
      "kernel_family": "xgemm_direct_1",
      "precision": "32",
      "best_kernel": "XgemmDirectTN",
      "best_time": "0.20",
      "best_parameters": "KWID=2 MDIMAD=8 MDIMCD=8 NDIMBD=8 NDIMCD=8 PADA=1 PADB=1 PRECISION=32 VWMD=2 VWND=1 WGD=32",
      "arg_m": "128",
      "arg_n": "128",
      "arg_k": "128",
      "device": "pthread-haswell-AMD EPYC",
      "results": [{"kernel": "XgemmDirectTN", "time": 0.883, "parameters": {"KWID": 2}}]
    }
    """

    func testATunerResultBecomesAnOverrideEntry() throws {
        let entry = try CLBlastTunerResult(json: Data(tunerJSON.utf8)).entry
        XCTAssertEqual(entry.kernel, "XgemmDirect")
        XCTAssertEqual(entry.parameters.count, 10, "PRECISION is not a kernel parameter")
        XCTAssertNil(entry.parameters["PRECISION"])
        XCTAssertEqual(entry.parameters["WGD"], 32)
        XCTAssertEqual(entry.milliseconds, 0.20)
        XCTAssertEqual(entry.problem, "128×128×128")
        XCTAssertEqual(try XCTUnwrap(entry.gflopsPerSecond), 2 * 128 * 128 * 128 / 0.20e6, accuracy: 1e-9)

        let gemm = tunerJSON.replacingOccurrences(of: "xgemm_direct_1", with: "xgemm_2")
        XCTAssertEqual(try CLBlastTunerResult(json: Data(gemm.utf8)).entry.kernel, "Xgemm")
        let unknown = tunerJSON.replacingOccurrences(of: "xgemm_direct_1", with: "warp_drive")
        XCTAssertThrowsError(try CLBlastTunerResult(json: Data(unknown.utf8)))
        let broken = tunerJSON.replacingOccurrences(of: "KWID=2", with: "KWID=two")
        XCTAssertThrowsError(try CLBlastTunerResult(json: Data(broken.utf8)))
        XCTAssertThrowsError(try CLBlastTunerResult(json: Data("[1, 2]".utf8)))
    }

    func testMergeKeepsTheFasterResultPerKernel() {
        var tuning = CLBlastTuning(device: "d")
        let slow = CLBlastTuning.Entry(kernel: "Xgemm", parameters: ["GEMMK": 0], milliseconds: 2, gflopsPerSecond: nil, problem: "256×256×256")
        let fast = CLBlastTuning.Entry(kernel: "Xgemm", parameters: ["GEMMK": 1], milliseconds: 1, gflopsPerSecond: nil, problem: "256×256×256")
        let copy = CLBlastTuning.Entry(kernel: "Copy", parameters: ["COPY_DIMX": 8], milliseconds: 1, gflopsPerSecond: nil, problem: "")
        tuning.merge(slow)
        tuning.merge(fast)
        tuning.merge(slow)
        tuning.merge(copy)
        XCTAssertEqual(tuning.entries.map(\.kernel), ["Copy", "Xgemm"])
        XCTAssertEqual(tuning.entries[1].parameters["GEMMK"], 1)
    }

    func testTheStoreIsPerDeviceAndIgnoresAnotherDevicesFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("recur-tuning-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = CLBlastTuningStore(directory: directory)
        let a = DeviceInfo(kind: .opencl, identifier: "opencl:0", name: "GPU A", platform: "P", version: "3.0", driver: "1",
                           computeUnits: 1, globalMemoryBytes: 1, maxAllocationBytes: 1)
        var b = a
        b.driver = "2"
        XCTAssertNil(store.load(for: a))
        let tuning = CLBlastTuning(device: CLBlastTuningStore.identity(of: a), entries: [
            .init(kernel: "XgemmDirect", parameters: ["WGD": 32], milliseconds: 0.2, gflopsPerSecond: 20, problem: "128×128×128"),
        ])
        try store.save(tuning, for: a)
        XCTAssertEqual(store.load(for: a), tuning)
        XCTAssertNil(store.load(for: b), "a new driver is another device for tuning")
        try FileManager.default.copyItem(at: store.url(for: a), to: store.url(for: b))
        XCTAssertNil(store.load(for: b), "a file tuned on another device is not applied")
        try store.remove(for: a)
        XCTAssertNil(store.load(for: a))
    }

    /// CLBlast takes a complete parameter set and refuses an unknown kernel; GEMMs stay right
    /// with tuned parameters.
    func testCLBlastAppliesTunedParametersAndGEMMsStayCorrect() throws {
        let entry = try firstOpenCLDevice()
        let backend = try OpenCLBackend(entry: entry, tuning: nil)
        let parameters = try CLBlastTunerResult(json: Data(tunerJSON.utf8)).entry
        var unknown = parameters
        unknown.kernel = "NoSuchKernel"
        let refused = backend.applyTuning(CLBlastTuning(device: CLBlastTuningStore.identity(of: entry.info), entries: [unknown]))
        XCTAssertEqual(refused.map(\.kernel), ["NoSuchKernel"])
        let applied = backend.applyTuning(CLBlastTuning(device: CLBlastTuningStore.identity(of: entry.info), entries: [parameters]))
        XCTAssertTrue(applied.isEmpty, "\(applied)")
        XCTAssertEqual(backend.appliedTuning?.entries.first?.kernel, "XgemmDirect")
        let verifier = KernelVerifier()
        for check in KernelCatalog.all().filter({ $0.kind == .gemm }).prefix(3) {
            let result = verifier.run(check, on: backend)
            XCTAssertTrue(result.passed, "\(check.name) \(check.shape): \(result.error ?? result.mismatches.joined(separator: "; "))")
        }
    }
}
