import XCTest
import Recur
@testable import RecurBenchmark

final class DocumentTimingTests: XCTestCase {
    /// The per-step times of ../shared/seeds/README.md: 148/133, 193, ≈471, 86/74, 76–89 ms.
    func testTheDocumentsTimingsAreStoredWithTheirSources() throws {
        let simple = try XCTUnwrap(DocumentTiming.forPreset("simplernn-imdb"))
        XCTAssertEqual([simple.typicalMilliseconds, simple.lowMilliseconds, simple.highMilliseconds], [133, 133, 148])
        XCTAssertEqual(DocumentTiming.forPreset("simplernn-dropout")?.typicalMilliseconds, 193)
        XCTAssertEqual(DocumentTiming.forPreset("lstm-imdb")?.typicalMilliseconds, 471)
        let stacked = try XCTUnwrap(DocumentTiming.forPreset("stacked-simplernn"))
        XCTAssertEqual([stacked.lowMilliseconds, stacked.highMilliseconds], [74, 86])
        let bigru = try XCTUnwrap(DocumentTiming.forPreset("bigru-w2v"))
        XCTAssertEqual([bigru.lowMilliseconds, bigru.highMilliseconds], [76, 89])
        XCTAssertNil(DocumentTiming.forPreset("bilstm"))
        XCTAssertNil(DocumentTiming.forPreset("stacked-bilstm"))
        for timing in DocumentTiming.all {
            let preset = try XCTUnwrap(ReferencePreset(rawValue: timing.preset), timing.preset)
            XCTAssertEqual(timing.source, preset.document, "\(timing.preset) cites the document its preset comes from")
            XCTAssertTrue((timing.lowMilliseconds...timing.highMilliseconds).contains(timing.typicalMilliseconds))
        }
    }

    func testLabelsAndSpeedUp() throws {
        XCTAssertEqual(DocumentTiming.forPreset("simplernn-imdb")?.label, "133 (133–148)")
        XCTAssertEqual(DocumentTiming.forPreset("lstm-imdb")?.label, "471")
        XCTAssertEqual(DocumentTiming.forPreset("bigru-w2v")?.label, "76–89")
        XCTAssertEqual(DocumentTiming.forPreset("lstm-imdb")?.speedUp(overMilliseconds: 47.1) ?? 0, 10, accuracy: 1e-9)
    }
}

final class SweepAndPeerTests: XCTestCase {
    func testSweepsCoverTheIssuesShapes() {
        XCTAssertEqual(SweepKind.time.points().map(\.time), Array(repeating: [25, 50, 100, 200, 500, 1000], count: 3).flatMap { $0 })
        XCTAssertEqual(SweepKind.batch.points(cells: [.lstm]).map(\.batch), [1, 8, 32, 128, 512])
        XCTAssertEqual(SweepKind.hidden.points(cells: [.gru]).map(\.hidden), [32, 64, 128, 256, 512, 1024])
        let deep = SweepKind.deepBench.points()
        XCTAssertEqual(deep.map { "\($0.cell.rawValue) \($0.hidden)x\($0.batch)x\($0.time)" },
                       ["lstm 512x64x25", "lstm 512x128x25", "lstm 1024x64x25", "lstm 1024x128x25", "lstm 256x32x150", "gru 1536x32x187"])
        XCTAssertTrue(deep.allSatisfy { $0.embedding == $0.hidden })
        XCTAssertEqual(SweepKind.parse("all"), SweepKind.allCases)
        XCTAssertNil(SweepKind.parse("x"))
    }

    func testPeerAnswersAreRead() {
        let ok = PeerRunner.parse(#"{"available": true, "framework": "keras", "framework_version": "3.15.0", "preset": "bilstm", "batch": 32, "time": 200, "threads": 2, "train_ms": [30.0, 10.0, 20.0], "infer_ms": [5.0], "first_loss": 0.6931}"#,
                                  preset: "bilstm", peer: .keras)
        XCTAssertTrue(ok.available)
        XCTAssertEqual(ok.trainMsMedian, 20)
        XCTAssertEqual(ok.inferMsMedian, 5)
        XCTAssertEqual(ok.frameworkVersion, "3.15.0")
        XCTAssertEqual(ok.threads, 2)
        XCTAssertEqual(ok.rounds, 1)
        let noSteps = PeerRunner.parse(#"{"available": true, "framework": "keras", "train_ms": []}"#, preset: "bilstm", peer: .keras)
        XCTAssertFalse(noSteps.available)
        XCTAssertNil(noSteps.rounds, "a round without steps is not one it answered in")
        let missing = PeerRunner.parse(#"{"available": false, "framework": "torch", "preset": "bilstm", "reason": "torch is not installed"}"#,
                                       preset: "bilstm", peer: .torch)
        XCTAssertFalse(missing.available)
        XCTAssertEqual(missing.reason, "torch is not installed")
        XCTAssertFalse(PeerRunner.parse("Traceback (most recent call last):", preset: "bilstm", peer: .torch).available)
    }

    /// Keras with XLA is its own peer; an answer where Keras fell back to its plain step is not one.
    func testAnXLAPeerCountsOnlyWhenKerasCompiledWithXLA() {
        let line = { (used: Bool) in
            #"{"available": true, "framework": "keras", "framework_version": "3.15.1", "xla": \#(used), "threads": 2, "train_ms": [30.0], "infer_ms": [5.0], "first_loss": 0.69}"#
        }
        let compiled = PeerRunner.parse(line(true), preset: "lstm-imdb", peer: .kerasXLA)
        XCTAssertTrue(compiled.available)
        XCTAssertEqual(compiled.framework, "keras+xla")
        XCTAssertEqual(compiled.trainMsMedian, 30)
        let fellBack = PeerRunner.parse(line(false), preset: "lstm-imdb", peer: .kerasXLA)
        XCTAssertFalse(fellBack.available)
        XCTAssertNil(fellBack.rounds)
        XCTAssertNotNil(fellBack.reason)
        XCTAssertTrue(PeerRunner.parse(line(false), preset: "lstm-imdb", peer: .keras).available, "plain Keras reports xla false")
        XCTAssertEqual(PeerRunner.peers.map(\.name), ["keras", "keras+xla", "torch"])
        XCTAssertEqual(PeerRunner.peers.map(\.framework), ["keras", "keras", "torch"])
    }

    /// `--rounds`: a framework's rounds become one record whose medians are of every answered
    /// round's steps together; a round it failed in is left out, and with none the reason stays.
    func testPeerRoundsPoolTheirSteps() {
        func answer(_ train: [Double], _ infer: [Double]) -> PeerRecord {
            PeerRunner.parse(#"{"available": true, "framework": "keras", "framework_version": "3.15.0", "threads": 2, "train_ms": \#(train), "infer_ms": \#(infer), "first_loss": 0.69}"#,
                             preset: "bilstm", peer: .keras)
        }
        let crashed = PeerRecord(preset: "bilstm", framework: "keras", available: false, reason: "exited with status 9")
        let pooled = PeerRunner.pooled([answer([30, 10, 20], [5, 7]), crashed, answer([40, 50, 60], [6])])
        XCTAssertTrue(pooled.available)
        XCTAssertEqual(pooled.rounds, 2)
        XCTAssertEqual(pooled.trainMs, [30, 10, 20, 40, 50, 60])
        XCTAssertEqual(pooled.trainMsMedian, 35)  // not 20 (round one's) nor 50 (round two's)
        XCTAssertEqual(pooled.inferMsMedian, 6)
        XCTAssertEqual(pooled.frameworkVersion, "3.15.0")
        let never = PeerRunner.pooled([crashed, crashed])
        XCTAssertFalse(never.available)
        XCTAssertEqual(never.reason, "exited with status 9")
        XCTAssertNil(never.trainMsMedian)
    }

    func testSweepChartIsAnSVGWithOneLinePerCellAndDevice() {
        var records: [BenchmarkRecord] = []
        for (cell, scale) in [("lstm", 2.0), ("gru", 1.5)] {
            for t in [25, 50, 100] {
                var r = BenchmarkReportTests.record("t \(cell) T=\(t)", "cpu", train: Double(t) * scale, infer: 1)
                r.sweep = "t"; r.cell = cell; r.sweepValue = t
                records.append(r)
            }
        }
        let svg = SweepChart.svg(records, sweep: .time, title: "T sweep")
        XCTAssertTrue(svg.hasPrefix("<svg"))
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 2)
        XCTAssertTrue(svg.contains("lstm cpu") && svg.contains("gru cpu"))
    }
}
