import XCTest
@testable import RecurBenchmark

final class BenchmarkReportTests: XCTestCase {
    static func record(_ preset: String, _ device: String, train: Double, infer: Double, loss: Double? = 0.69) -> BenchmarkRecord {
        BenchmarkRecord(preset: preset, device: device, deviceName: device, batch: 32, time: 80, steps: 10, warmup: 3,
                        trainMsMedian: train, trainMsMin: train - 1, trainMsMax: train + 1, trainMsPipelined: train,
                        inferMsMedian: infer, inferMsMin: infer, inferMsMax: infer, sequencesPerS: 1, tokensPerS: 80,
                        inferSequencesPerS: 2, trainFlops: 1e9, inferFlops: 3e8, gflopsPerS: 12.5, inferGflopsPerS: 3,
                        fractionOfPeak: 0.25, peakBytes: 4096, firstLoss: loss, batchSource: "random", distinctTokens: nil, documentMs: nil, documentSpeedUp: nil,
                        phases: nil, sweep: nil, cell: nil, sweepValue: nil)
    }

    static func report(_ results: [BenchmarkRecord]) -> BenchmarkReport {
        BenchmarkReport(date: "2026-11-23T13:04:05Z", command: "recur bench --quick", commit: "abcdef123456",
                        machine: MachineInfo(hostname: "box", cpuModel: "AMD EPYC 7B13", cores: 2, memoryBytes: 1 << 34, operatingSystem: "Linux"),
                        results: results)
    }

    /// The field names scripts read (`recur bench --json`), per preset and device.
    func testJSONUsesTheDocumentedFieldNames() throws {
        let data = try Self.report([Self.record("lstm-imdb", "cpu", train: 100, infer: 30)]).encoded()
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        for key in ["date", "commit", "machine", "devices", "sgemm_peaks", "results", "sweeps", "peers", "warnings", "command"] {
            XCTAssertNotNil(object[key], key)
        }
        let result = try XCTUnwrap((object["results"] as? [[String: Any]])?.first)
        for key in ["preset", "device", "train_ms_median", "train_ms_min", "train_ms_max", "infer_ms_median", "gflops_per_s",
                    "steps", "peak_bytes", "first_loss", "tokens_per_s", "sequences_per_s", "fraction_of_peak"] {
            XCTAssertNotNil(result[key], key)
        }
        XCTAssertEqual(result["train_ms_median"] as? Double, 100)
        XCTAssertEqual(result["peak_bytes"] as? Int, 4096)
        let machine = try XCTUnwrap(object["machine"] as? [String: Any])
        XCTAssertEqual(machine["cpu_model"] as? String, "AMD EPYC 7B13")
        XCTAssertEqual(machine["cores"] as? Int, 2)
    }

    func testAReportReadsBackWhatItWrote() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        let original = Self.report([Self.record("bilstm", "opencl:0", train: 27, infer: 9)])
        try original.encoded().write(to: url)
        let read = try BenchmarkReport.read(from: url)
        XCTAssertEqual(read.results, original.results)
        XCTAssertEqual(read.machine, original.machine)
    }

    func testAFileThatIsNotAReportIsOneLineError() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data("{\"hello\": 1}".utf8).write(to: url)
        XCTAssertThrowsError(try BenchmarkReport.read(from: url)) { error in
            XCTAssertTrue("\(error)".contains("is not a recur bench JSON report"), "\(error)")
        }
        XCTAssertThrowsError(try BenchmarkReport.read(from: URL(fileURLWithPath: "/nonexistent/old.json"))) { error in
            XCTAssertEqual("\(error)", "/nonexistent/old.json cannot be read")
        }
    }

    func testFileNameCarriesDateMachineAndCommit() {
        XCTAssertEqual(Self.report([]).fileName, "2026-11-23-1304-2core-amd-epyc-7b13-abcdef1.json")
    }

    func testCompareMatchesConfigurationsByPresetAndDevice() {
        let old = [Self.record("lstm-imdb", "cpu", train: 200, infer: 50), Self.record("bilstm", "cpu", train: 80, infer: 20),
                   Self.record("lstm-imdb", "opencl:0", train: 40, infer: 10)]
        let new = [Self.record("lstm-imdb", "cpu", train: 150, infer: 55), Self.record("lstm-imdb", "opencl:0", train: 40, infer: 10),
                   Self.record("stacked-bilstm", "cpu", train: 90, infer: 30)]
        let rows = BenchmarkComparison.rows(old: old, new: new)
        XCTAssertEqual(rows.map { "\($0.preset)@\($0.device)" },
                       ["lstm-imdb@cpu", "lstm-imdb@opencl:0", "stacked-bilstm@cpu", "bilstm@cpu"])
        XCTAssertEqual(rows[0].trainChange!, -0.25, accuracy: 1e-12)
        XCTAssertEqual(rows[0].inferChange!, 0.10, accuracy: 1e-12)
        XCTAssertEqual(rows[1].trainChange, 0)
        XCTAssertNil(rows[2].trainChange)   // new configuration
        XCTAssertNil(rows[3].trainChange)   // gone since
        XCTAssertEqual(BenchmarkComparison.percent(rows[0].trainChange), "−25.0%")
        XCTAssertEqual(BenchmarkComparison.percent(rows[0].inferChange), "+10.0%")
        XCTAssertEqual(BenchmarkComparison.percent(nil), "—")
    }

    func testFirstLossDisagreementBetweenDevicesIsAWarning() {
        let agreeing = [Self.record("bilstm", "opencl:0", train: 1, infer: 1, loss: 0.693150), Self.record("bilstm", "cpu", train: 1, infer: 1, loss: 0.693147)]
        XCTAssertEqual(CaseMeasurement.lossWarnings(agreeing), [])
        let differing = [Self.record("bilstm", "opencl:0", train: 1, infer: 1, loss: 0.70), Self.record("bilstm", "cpu", train: 1, infer: 1, loss: 0.69)]
        let warnings = CaseMeasurement.lossWarnings(differing)
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings[0].contains("bilstm") && warnings[0].contains("opencl:0") && warnings[0].contains("cpu"), warnings[0])
    }

    func testMedianMinMax() {
        XCTAssertEqual(SampleStatistics([5, 1, 3]), SampleStatistics(median: 3, min: 1, max: 5, count: 3))
        XCTAssertEqual(SampleStatistics([4, 1, 3, 2]).median, 2.5)
        XCTAssertEqual(SampleStatistics([]).count, 0)
    }
}

extension SampleStatistics {
    init(median: Double, min: Double, max: Double, count: Int) {
        self.init([])
        self.median = median; self.min = min; self.max = max; self.count = count
    }
}
