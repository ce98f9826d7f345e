import Foundation
import XCTest

/// `recur bench` driven as a user drives it: one-line errors for bad input, the JSON scripts read.
final class BenchCommandTests: XCTestCase {
    func run(_ arguments: [String]) throws -> RecurOutcome { try runRecur(["bench"] + arguments) }

    func testBadPresetDeviceSweepAndCompareFileAreOneLineErrors() throws {
        let cases: [([String], String)] = [
            (["--preset", "gpt-4"], "Error: unknown preset 'gpt-4'; choose one of: simplernn-imdb"),
            (["--device", "tpu"], "Error: unknown device 'tpu'"),
            (["--device", "opencl:99"], "Error: unknown device 'opencl:99'"),
            (["--sweep", "z"], "Error: unknown sweep 'z'; choose t, b, h, deepbench or all"),
        ]
        for (arguments, message) in cases {
            let outcome = try run(arguments)
            XCTAssertEqual(outcome.status, 1, "\(arguments): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.hasPrefix(message), "\(arguments): \(outcome.stderr)")
            XCTAssertEqual(outcome.stderr.split(separator: "\n").count, 1, outcome.stderr)
        }
        let noRounds = try run(["--rounds", "0"])
        XCTAssertNotEqual(noRounds.status, 0)
        XCTAssertTrue(noRounds.stderr.contains("--rounds must be at least 1, got 0"), noRounds.stderr)
        let missing = try run(["--preset", "stacked-simplernn", "--device", "cpu", "--steps", "1", "--warmup", "0", "--no-peak",
                               "--no-save", "--compare", "/nonexistent/old.json"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("Error: /nonexistent/old.json cannot be read"), missing.stderr)
        let noData = try run(["--preset", "stacked-simplernn", "--device", "cpu", "--steps", "1", "--warmup", "0", "--no-peak",
                              "--no-save", "--data", "/nonexistent/imdb.tar.gz"])
        XCTAssertEqual(noData.status, 1)
        XCTAssertTrue(noData.stderr.hasPrefix("Error: --data /nonexistent/imdb.tar.gz: "), noData.stderr)
        XCTAssertTrue(noData.stderr.contains("or --data random"), noData.stderr)
    }

    func testHelpShowsExamples() throws {
        let outcome = try run(["--help"])
        XCTAssertEqual(outcome.status, 0)
        XCTAssertTrue(outcome.stdout.contains("recur bench --quick"), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("--preset lstm-imdb --device cpu --json"), outcome.stdout)
    }

    /// One preset on the CPU backend, one step: the table prints and the JSON has the fields
    /// scripts rely on.
    func testOnePresetOnTheCPUWritesTheJSONScriptsRead() throws {
        let json = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: json) }
        let outcome = try run(["--preset", "stacked-simplernn", "--device", "cpu", "--steps", "1", "--warmup", "0", "--no-peak",
                               "--no-save", "--json", json.path, "--data", "random", "--rounds", "2"])
        XCTAssertEqual(outcome.status, 0, outcome.stdout + outcome.stderr)
        XCTAssertTrue(outcome.stdout.contains("batches: uniform random token ids (--data random)"), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("2 rounds per preset"), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("stacked-simplernn  cpu"), outcome.stdout)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        let results = try XCTUnwrap(object["results"] as? [[String: Any]])
        XCTAssertEqual(results.count, 1)
        for key in ["train_ms_median", "train_ms_min", "train_ms_max", "infer_ms_median", "gflops_per_s", "steps", "peak_bytes", "first_loss"] {
            XCTAssertNotNil(results[0][key], key)
        }
        XCTAssertEqual(results[0]["steps"] as? Int, 1)
        // Two rounds from the same weights and batch: two pooled steps, the same first loss.
        XCTAssertEqual(results[0]["rounds"] as? Int, 2)
        XCTAssertEqual(results[0]["first_loss_spread"] as? Double, 0)
        XCTAssertEqual(results[0]["document_ms"] as? Double, 74)
        XCTAssertEqual(results[0]["batch_source"] as? String, "random")
        XCTAssertEqual(results[0]["distinct_tokens"] as? Int, 2_276)  // of 2,560 random ids below 10,000
        // The CPU's phase table: each op timed on the host.
        XCTAssertTrue(outcome.stdout.contains("cpu: host wall time of each op"), outcome.stdout)
        let phases = try XCTUnwrap(results[0]["phases"] as? [[String: Any]])
        XCTAssertTrue(phases.contains { $0["phase"] as? String == "fused recurrent loop bwd" }, "\(phases)")
        XCTAssertEqual(phases.last?["phase"] as? String, "outside ops")
    }

    /// `--data FOLDER` times the reviews of an IMDB folder (32 one-word reviews here, all the
    /// same word but one): the report says so and counts the distinct ids.
    func testADataFolderIsTheBatch() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bench-imdb-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        for i in 0..<33 {
            let directory = folder.appendingPathComponent("aclImdb/\(i == 32 ? "test" : "train")/\(i % 2 == 0 ? "pos" : "neg")")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data((i == 0 ? "rare" : "great").utf8).write(to: directory.appendingPathComponent("\(i)_8.txt"))
        }
        let json = folder.appendingPathComponent("report.json")
        let outcome = try run(["--preset", "stacked-simplernn", "--device", "cpu", "--steps", "1", "--warmup", "0", "--no-peak",
                               "--no-save", "--no-phases", "--json", json.path, "--data", folder.path])
        XCTAssertEqual(outcome.status, 0, outcome.stdout + outcome.stderr)
        XCTAssertTrue(outcome.stdout.contains("batches: the first IMDB training reviews in Keras's order from \(folder.path)"), outcome.stdout)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        let result = try XCTUnwrap((object["results"] as? [[String: Any]])?.first)
        XCTAssertEqual(result["batch_source"] as? String, "imdb")
        XCTAssertEqual(result["distinct_tokens"] as? Int, 3)  // "great", "rare" and the padding
    }
}
