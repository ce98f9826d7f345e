import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Recur
import XCTest

/// The `recur` binary driven as a user drives it: process launch, exit codes, what it prints.
final class CommandLineTests: XCTestCase {
    var recur: URL { recurExecutable }

    func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> RecurOutcome {
        try runRecur(arguments, environment: extra)
    }

    /// Runs `recur verify` with `files` (name → kernel source) overriding the embedded kernels.
    func verify(withKernels files: [String: String]) throws -> RecurOutcome {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("recur-kernels-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, source) in files {
            try source.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return try run(["verify"], environment: ["RECUR_KERNEL_DIR": directory.path, "RECUR_CACHE_DIR": directory.path])
    }

    func requireOpenCL() throws {
        if OpenCLDiscovery.discover().devices.isEmpty { throw XCTSkip("no OpenCL device on this machine; install pocl-opencl-icd") }
    }

    func testDevicesListsOpenCLDevicesAndTheCPUBackend() throws {
        let outcome = try run(["devices"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stdout.contains("cpu"), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("compute units"), outcome.stdout)
        for device in OpenCLDiscovery.discover().devices {
            XCTAssertTrue(outcome.stdout.contains(device.info.identifier), outcome.stdout)
        }
    }

    func testVerifyPassesAndPrintsTheErrorTable() throws {
        try requireOpenCL()
        let outcome = try run(["verify"])
        XCTAssertEqual(outcome.status, 0, outcome.stdout + outcome.stderr)
        XCTAssertTrue(outcome.stdout.contains("max abs err") && outcome.stdout.contains("LSTM forward"), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains(" 0 failed"), outcome.stdout)
    }

    /// `--gpu-paths` checks a device that is not a GPU a second time, on a GPU's paths, and
    /// counts both in its verdict.
    func testVerifyChecksTheGPUPathsOfADeviceThatIsNotAGPU() throws {
        try requireOpenCL()
        guard let entry = OpenCLDiscovery.discover().devices.first, !entry.isGPU else { throw XCTSkip("the first device is a GPU") }
        let device = entry.info.identifier
        let plain = try run(["verify", "--device", device]), both = try run(["verify", "--device", device, "--gpu-paths"])
        XCTAssertEqual(both.status, 0, both.stdout + both.stderr)
        XCTAssertTrue(both.stdout.contains("verifying \(device)/gpu-paths:"), both.stdout)
        XCTAssertTrue(both.stdout.contains("\n\(device)/gpu-paths "), "no rows for the GPU paths")
        let passed = { (output: String) in output.split(separator: "\n").last.flatMap { Int($0.split(separator: " ")[0]) } }
        let single = try XCTUnwrap(passed(plain.stdout), plain.stdout)
        XCTAssertEqual(passed(both.stdout), 2 * single, both.stdout)
    }

    func testVerifyExitsNonZeroWhenAKernelIsWrong() throws {
        try requireOpenCL()
        // Same kernel, with the candidate's activation dropped: it builds, and it is wrong.
        let source = try XCTUnwrap(KernelSourceFixture.lstm)
        let wrong = source.replacingOccurrences(of: "float cg = activate(act, ", with: "float cg = (")
        XCTAssertNotEqual(wrong, source)
        let outcome = try verify(withKernels: ["lstm.cl": wrong])
        XCTAssertEqual(outcome.status, 1, outcome.stdout + outcome.stderr)
        XCTAssertTrue(outcome.stdout.contains("FAIL"), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("LSTM forward"), outcome.stdout)
    }

    func testVerifyExitsNonZeroWhenAKernelDoesNotBuild() throws {
        try requireOpenCL()
        let outcome = try verify(withKernels: ["gru.cl": "__kernel void broken( {"])
        XCTAssertEqual(outcome.status, 1, outcome.stdout + outcome.stderr)
        XCTAssertTrue(outcome.stdout.contains("gru.cl did not build"), outcome.stdout)
    }

    func testUnknownDeviceIsAOneLineErrorNotACrash() throws {
        let outcome = try run(["verify", "--device", "no-such-gpu"])
        XCTAssertEqual(outcome.status, 2)
        XCTAssertTrue(outcome.stderr.contains("no device matches 'no-such-gpu'"), outcome.stderr)
        XCTAssertEqual(outcome.stderr.split(separator: "\n").count, 1, outcome.stderr)
    }

    /// An ICD loader with no vendor files: the machine has no OpenCL driver at all.
    func testWithoutAnyOpenCLDriverDevicesFallsBackAndVerifySaysWhy() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("recur-no-vendors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let devices = try run(["devices"], environment: ["OCL_ICD_VENDORS": empty.path])
        XCTAssertEqual(devices.status, 0, devices.stderr)
        XCTAssertTrue(devices.stdout.contains("no OpenCL driver is installed"), devices.stdout)
        XCTAssertTrue(devices.stdout.contains("--device auto picks the CPU backend"), devices.stdout)
        let verify = try run(["verify"], environment: ["OCL_ICD_VENDORS": empty.path])
        XCTAssertEqual(verify.status, 2)
        XCTAssertTrue(verify.stderr.contains("no OpenCL driver is installed") && verify.stderr.contains("pocl-opencl-icd"), verify.stderr)
    }

    func testSummaryPrintsKerasParameterCountsForAPresetAndAModelFile() throws {
        let preset = try run(["summary", "simplernn-imdb"])
        XCTAssertEqual(preset.status, 0, preset.stderr)
        for count in ["320,000", "2,080", "33", "Total params: 322,113"] { XCTAssertTrue(preset.stdout.contains(count), preset.stdout) }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("recur-model-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try ReferencePreset.lstmIMDB.model().kerasJSON().write(to: file, atomically: true, encoding: .utf8)
        let fromFile = try run(["summary", file.path, "--style", "keras2"])
        XCTAssertEqual(fromFile.status, 0, fromFile.stderr)
        XCTAssertTrue(fromFile.stdout.contains("8320") || fromFile.stdout.contains("8,320"), fromFile.stdout)
    }

    func testSummaryOfAnUnknownModelIsOneLineAndNonZero() throws {
        let outcome = try run(["summary", "no-such-preset"])
        XCTAssertNotEqual(outcome.status, 0)
        XCTAssertEqual(outcome.stderr.split(separator: "\n").count, 1, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("lstm-imdb"), "the message lists the presets: \(outcome.stderr)")
    }

    /// A small CSV where one word decides the label, for driving `recur train`.
    func writeReviews(to directory: URL) throws -> URL {
        let good = ["good", "great", "fine"], bad = ["bad", "awful", "poor"], filler = ["movie", "plot", "the", "a"]
        var lines = ["review,sentiment"]
        let u = Philox(seed: 3).uniforms(count: 400 * 9, stream: 0)
        for i in 0..<400 {
            var words = (0..<8).map { filler[Int(u[i * 9 + $0] * 4)] }
            words[Int(u[i * 9 + 8] * 8)] = (i % 2 == 0 ? good : bad)[i % 3]
            lines.append(words.joined(separator: " ") + "," + (i % 2 == 0 ? "pos" : "neg"))
        }
        let url = directory.appendingPathComponent("reviews.csv")
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func trainArguments(_ csv: URL, _ output: URL, epochs: Int) -> [String] {
        ["train", "--preset", "lstm-imdb", "--data", csv.path, "--text-column", "review", "--label-column", "sentiment",
         "--classes", "neg,pos", "--maxlen", "8", "--vocabulary", "20", "--epochs", "\(epochs)", "--batch-size", "8",
         "--device", "cpu", "--output", output.path]
    }

    /// Ctrl-C mid-run: a clean exit with a checkpoint and the resume command; the resumed run's
    /// history continues without a gap.
    func testInterruptedRunResumesWithoutAGapInItsHistory() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("recur-train-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = try writeReviews(to: directory), output = directory.appendingPathComponent("run")
        let process = Process()
        process.executableURL = recur
        process.arguments = trainArguments(csv, output, epochs: 500)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        // Interrupt once at least two epochs have been written.
        let historyURL = output.appendingPathComponent("history.json")
        let deadline = Date().addingTimeInterval(60)
        struct Epochs: Decodable { struct E: Decodable { let epoch: Int }; let epochs: [E]; let interruptedEpoch: Int? }
        while Date() < deadline {
            if let data = try? Data(contentsOf: historyURL), let h = try? JSONDecoder().decode(Epochs.self, from: data), h.epochs.count >= 2 { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        kill(process.processIdentifier, SIGINT)
        let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, printed)
        XCTAssertTrue(printed.contains("resume with: recur train --resume"), printed)
        let stopped = try JSONDecoder().decode(Epochs.self, from: Data(contentsOf: historyURL))
        XCTAssertNotNil(stopped.interruptedEpoch)
        let resumed = try run(["train", "--resume", output.path, "--epochs", "\(stopped.epochs.count + 2)", "--device", "cpu"])
        XCTAssertEqual(resumed.status, 0, resumed.stdout + resumed.stderr)
        let final = try JSONDecoder().decode(Epochs.self, from: Data(contentsOf: historyURL))
        XCTAssertEqual(final.epochs.map(\.epoch), Array(1...(stopped.epochs.count + 2)))
        for file in ["last.safetensors", "best.safetensors", "tokenizer.json", "history.csv", "history.svg"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: output.appendingPathComponent(file).path), file)
        }
    }

    func testEvaluateReportsPerClassMetricsAndPredictIsStableAcrossReloads() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("recur-eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = try writeReviews(to: directory), output = directory.appendingPathComponent("run")
        let trained = try run(trainArguments(csv, output, epochs: 4))
        XCTAssertEqual(trained.status, 0, trained.stdout + trained.stderr)
        XCTAssertTrue(trained.stdout.contains("median") && trained.stdout.contains("best val_acc"), trained.stdout)
        let evaluated = try run(["evaluate", output.path, "--device", "cpu"])
        XCTAssertEqual(evaluated.status, 0, evaluated.stderr)
        for field in ["precision", "recall", "f1-score", "support", "neg", "pos", "macro avg", "weighted avg"] {
            XCTAssertTrue(evaluated.stdout.contains(field), evaluated.stdout)
        }
        let texts = ["the movie great plot", "awful the a movie"]
        let first = try run(["predict", output.path] + texts), second = try run(["predict", output.path] + texts)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(first.stdout, second.stdout, "a reloaded checkpoint predicts the same numbers")
        XCTAssertTrue(first.stdout.hasPrefix("pos"), first.stdout)
        // A damaged checkpoint is a one-line error, not a crash.
        try Data("not a checkpoint".utf8).write(to: output.appendingPathComponent("best.safetensors"))
        let damaged = try run(["evaluate", output.path, "--device", "cpu"])
        XCTAssertEqual(damaged.status, 1)
        XCTAssertTrue(damaged.stderr.contains("best.safetensors"), damaged.stderr)
        XCTAssertEqual(damaged.stderr.split(separator: "\n").count, 1, damaged.stderr)
    }

    func testTrainRejectsBadInputWithOneLine() throws {
        let unknown = try run(["train", "--preset", "no-such-preset"])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("unknown preset"), unknown.stderr)
        let range = try run(["train", "--preset", "lstm-imdb", "--epochs", "0"])
        XCTAssertNotEqual(range.status, 0)
        XCTAssertTrue(range.stderr.contains("--epochs must be positive"), range.stderr)
        let missing = try run(["train", "--preset", "lstm-imdb", "--data", "/nonexistent/reviews.csv", "--device", "cpu"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.stderr.split(separator: "\n").count, 1, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("/nonexistent/reviews.csv"), missing.stderr)
    }

    func testHelpShowsExamplesForEveryCommand() throws {
        for command in [[], ["devices"], ["verify"], ["summary"], ["demo"], ["train"], ["evaluate"], ["predict"]] {
            let outcome = try run(command + ["--help"])
            XCTAssertEqual(outcome.status, 0, "\(command)")
            XCTAssertTrue(outcome.stdout.contains("Examples:"), "\(command): \(outcome.stdout)")
        }
    }

    func temporaryDirectory(_ name: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("recur-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// `make demo`'s job, smaller: the LSTM beats the order-blind baseline, which sits at chance;
    /// the plot is valid SVG; the checkpoint reloads to the same numbers.
    func testDemoBeatsTheOrderBlindBaselineAndWritesItsFiles() throws {
        let directory = try temporaryDirectory("demo")
        defer { try? FileManager.default.removeItem(at: directory) }
        let outcome = try run(["demo", "--device", "cpu", "--pairs", "2000", "--epochs", "5", "--output", directory.path])
        XCTAssertEqual(outcome.status, 0, outcome.stdout + outcome.stderr)
        XCTAssertTrue(outcome.stdout.contains("Epoch 5/5") && outcome.stdout.contains("ms/step - loss:"), outcome.stdout)
        let line = try XCTUnwrap(outcome.stdout.split(separator: "\n").first { $0.contains("test accuracy on") }, outcome.stdout)
        let numbers = line.split(separator: " ").filter { $0.contains(".") }.compactMap { Double($0) }
        XCTAssertEqual(numbers.count, 2, String(line))
        XCTAssertEqual(numbers[1], 0.5, "the baseline cannot use word order: \(line)")
        XCTAssertGreaterThan(numbers[0], 0.9, String(line))
        XCTAssertTrue(outcome.stdout.contains("reloaded predicts the trained model's 1000 probabilities exactly"), outcome.stdout)
        let predictions = outcome.stdout.split(separator: "\n").filter { $0.contains("the rule says") }
        XCTAssertEqual(predictions.count, 2, outcome.stdout)
        for prediction in predictions {
            let words = prediction.split(separator: " ")
            let rule = try XCTUnwrap(words.firstIndex(of: "says")).advanced(by: 1)
            XCTAssertEqual(String(words[0]), words[rule].trimmingCharacters(in: CharacterSet(charactersIn: ")")), "predicted as the rule says: \(prediction)")
        }
        let svg = try Data(contentsOf: directory.appendingPathComponent("history.svg"))
        XCTAssertTrue(XMLParser(data: svg).parse(), "history.svg parses as XML")
        XCTAssertTrue(String(decoding: svg, as: UTF8.self).contains("<polyline"))
        // The run folder is an ordinary training run: evaluate and predict read it.
        let evaluated = try run(["evaluate", directory.path, "--device", "cpu", "--data", directory.appendingPathComponent("corpus-test.jsonl").path])
        XCTAssertEqual(evaluated.status, 0, evaluated.stderr)
        XCTAssertTrue(evaluated.stdout.contains("1000 examples"), evaluated.stdout)
    }

    /// bigru-w2v with pretrained vectors: they are loaded, found, and stay frozen through training.
    func testTrainLoadsPretrainedEmbeddingsAndKeepsThemFrozen() throws {
        let directory = try temporaryDirectory("embeddings")
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = try writeReviews(to: directory), output = directory.appendingPathComponent("run")
        let words = ["good", "great", "fine", "bad", "awful", "poor", "movie", "plot"]
        let vectors = words.enumerated().map { i, word in (word, (0..<300).map { Float(i + 1) + Float($0) / 512 }) }
        let glove = directory.appendingPathComponent("vectors.txt")
        try vectors.map { word, v in ([word] + v.map { "\($0)" }).joined(separator: " ") }.joined(separator: "\n").write(to: glove, atomically: true, encoding: .utf8)
        let arguments = ["train", "--preset", "bigru-w2v", "--data", csv.path, "--text-column", "review", "--label-column", "sentiment",
                         "--classes", "neg,pos", "--maxlen", "8", "--vocabulary", "20", "--epochs", "1", "--batch-size", "32",
                         "--device", "cpu", "--output", output.path, "--embeddings", glove.path]
        let trained = try run(arguments)
        XCTAssertEqual(trained.status, 0, trained.stdout + trained.stderr)
        XCTAssertTrue(trained.stdout.contains("embeddings: found 8 of"), trained.stdout)
        XCTAssertFalse(trained.stdout.contains("trained from scratch"), trained.stdout)
        let checkpoint = try SafetensorsFile.read(from: output.appendingPathComponent("last.safetensors"))
        let matrix = try checkpoint.tensor(named: "embedding/embeddings").floats()
        let rows = stride(from: 0, to: matrix.count, by: 300).map { Array(matrix[$0..<($0 + 300)]) }
        for (word, vector) in vectors {
            XCTAssertTrue(rows.contains(vector), "\(word)'s vector is a row of the embedding after training")
        }
        var lstm = arguments
        lstm[2] = "lstm-imdb"  // a 32-wide embedding: 300-value vectors do not fit
        let mismatched = try run(lstm)
        XCTAssertEqual(mismatched.status, 1)
        XCTAssertTrue(mismatched.stderr.contains("use vectors of 32 values"), mismatched.stderr)
    }

    /// Presets whose documents validate on the test set hold nothing out; the others hold out
    /// their document's fraction, and a flag overrides either.
    func testPresetsKeepTheirDocumentsValidation() throws {
        let directory = try temporaryDirectory("validation")
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = try writeReviews(to: directory)
        struct Saved: Decodable { let validationFraction: Double? }
        func fraction(_ preset: String, _ extra: [String] = []) throws -> Double? {
            let output = directory.appendingPathComponent(preset + extra.joined())
            var arguments = trainArguments(csv, output, epochs: 1)
            arguments[arguments.firstIndex(of: "lstm-imdb")!] = preset
            let outcome = try run(arguments + extra)
            XCTAssertEqual(outcome.status, 0, outcome.stderr)
            return try JSONDecoder().decode(Saved.self, from: Data(contentsOf: output.appendingPathComponent("run.json"))).validationFraction
        }
        XCTAssertNil(try fraction("stacked-simplernn"))
        XCTAssertEqual(try fraction("lstm-imdb"), 0.2)
        XCTAssertEqual(try fraction("stacked-simplernn", ["--validation-split", "0.1"]), 0.1)
    }

    func testResumingFromADamagedCheckpointIsOneLine() throws {
        let directory = try temporaryDirectory("damaged")
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = try writeReviews(to: directory), output = directory.appendingPathComponent("run")
        XCTAssertEqual(try run(trainArguments(csv, output, epochs: 1)).status, 0)
        let last = output.appendingPathComponent("last.safetensors")
        let bytes = try Data(contentsOf: last)
        try bytes.prefix(bytes.count / 2).write(to: last)
        let resumed = try run(["train", "--resume", output.path, "--epochs", "2", "--device", "cpu"])
        XCTAssertEqual(resumed.status, 1, resumed.stdout)
        XCTAssertEqual(resumed.stderr.split(separator: "\n").count, 1, resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains("last.safetensors"), resumed.stderr)
        let unreadable = try run(["predict", directory.appendingPathComponent("nowhere").path, "some text"])
        XCTAssertEqual(unreadable.status, 1)
        XCTAssertEqual(unreadable.stderr.split(separator: "\n").count, 1, unreadable.stderr)
    }

    /// A disk that fills up between two epochs: one line, a non-zero exit, and the previous
    /// checkpoint intact. The disk is a small tmpfs in a private mount namespace.
    func testAFullDiskKeepsThePreviousCheckpoint() throws {
        guard shell("unshare -rm true") == 0 else { throw XCTSkip("needs unshare with user and mount namespaces to make a full disk") }
        let directory = try temporaryDirectory("full")
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = try writeReviews(to: directory), output = directory.appendingPathComponent("run")
        XCTAssertEqual(try run(trainArguments(csv, output, epochs: 1)).status, 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: output.path)
        let sizes = try files.map { try FileManager.default.attributesOfItem(atPath: output.appendingPathComponent($0).path)[.size] as! Int }
        let last = try Data(contentsOf: output.appendingPathComponent("last.safetensors"))
        // Room for what is there, not for a second copy of last.safetensors beside the first.
        let pages = sizes.map { ($0 + 4095) / 4096 }.reduce(0, +) + 2
        XCTAssertLessThan(2 * 4096, last.count, "the checkpoint must be larger than the spare room")
        let disk = directory.appendingPathComponent("disk")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        let script = "mount -t tmpfs -o size=\(pages * 4096) tmpfs '\(disk.path)' && cp -a '\(output.path)/.' '\(disk.path)/' && "
            + "{ '\(recur.path)' train --resume '\(disk.path)' --epochs 3 --device cpu > '\(directory.path)/out.txt' 2> '\(directory.path)/err.txt'; "
            + "echo \\$? > '\(directory.path)/status.txt'; } && cmp -s '\(disk.path)/last.safetensors' '\(output.path)/last.safetensors' "
            + "&& echo intact > '\(directory.path)/checkpoint.txt'"
        // The tmpfs lives only as long as its namespace, so the survivor is compared in there.
        let status = shell("unshare -rm sh -c \"\(script)\"")
        XCTAssertEqual(status, 0)
        let code = try String(contentsOf: directory.appendingPathComponent("status.txt"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let stderr = try String(contentsOf: directory.appendingPathComponent("err.txt"), encoding: .utf8)
        XCTAssertEqual(code, "1", stderr)
        XCTAssertEqual(stderr.split(separator: "\n").count, 1, stderr)
        XCTAssertTrue(stderr.contains("No space left on device") || stderr.contains("no space"), stderr)
        XCTAssertTrue(stderr.contains("unchanged") && stderr.contains("--resume"), "says the previous checkpoint is intact and how to go on: \(stderr)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent("checkpoint.txt").path),
                      "last.safetensors on the full disk is byte for byte the one written before")
    }

    func shell(_ command: String) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// The embedded LSTM kernel source, to derive a broken copy from.
enum KernelSourceFixture {
    static var lstm: String? {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Kernels/lstm.cl")
        return try? String(contentsOf: path, encoding: .utf8)
    }
}
