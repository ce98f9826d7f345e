import ArgumentParser
import Foundation
import RecurCompute

struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Tune CLBlast's GEMM kernels for an OpenCL device and keep the parameters for every later run.",
        discussion: """
        Runs CLBlast's own tuners (Debian package clblast-utils) on the device, each for at most --seconds, \
        stores the best parameters per device (see --show for where) and applies them whenever Recur opens \
        that device. Prints the GEMMs of the reference models before and after. CLBlast ships parameters for \
        many GPUs; a device it does not know (PoCL, a new GPU) runs generic ones, and that is where tuning pays.

        Examples:
          recur tune                                   the first OpenCL device, GEMM kernels, 5 minutes each
          recur tune --device h100 --seconds 900       longer search on a GPU host
          recur tune --kernels xgemm_direct,copy,transpose --size 128
          recur tune --show                            what is stored for the device
          recur tune --reset                           back to CLBlast's built-in parameters
        """)

    /// The tuner executable for each kernel name users give.
    static let tuners = [
        "xgemm": "clblast_tuner_xgemm", "xgemm_direct": "clblast_tuner_xgemm_direct", "copy": "clblast_tuner_copy_fast",
        "pad": "clblast_tuner_copy_pad", "transpose": "clblast_tuner_transpose_fast", "padtranspose": "clblast_tuner_transpose_pad",
        "routine_xgemm": "clblast_tuner_routine_xgemm",
    ]

    @Option(help: "An OpenCL device: auto, an index, opencl:N, or part of a device name.") var device: String = "auto"
    @Option(help: "Kernels to tune, comma-separated: \(tuners.keys.sorted().joined(separator: ", ")).") var kernels: String = "xgemm_direct,xgemm"
    @Option(help: "Time limit per kernel's tuner, in seconds; the best result found by then is kept.") var seconds: Int = 300
    @Option(help: "Problem size the tuners use (m = n = k).") var size: Int = 256
    @Flag(help: "Print the stored parameters for the device and exit.") var show = false
    @Flag(help: "Delete the stored parameters for the device and exit.") var reset = false

    func validate() throws {
        if seconds <= 0 { throw ValidationError("--seconds must be positive, got \(seconds)") }
        if size <= 0 { throw ValidationError("--size must be positive, got \(size)") }
        for name in kernelList where Self.tuners[name] == nil {
            throw ValidationError("unknown kernel '\(name)'; choose from \(Self.tuners.keys.sorted().joined(separator: ", "))")
        }
    }

    var kernelList: [String] { kernels.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }

    func run() throws {
        try CommandFailure.oneLine(tune)
    }

    func tune() throws {
        let entry = try openCLDevice()
        let store = CLBlastTuningStore()
        let location = store.url(for: entry.info).path
        print("device: \(entry.info.identifier) \(entry.info.name) (\(entry.info.platform), driver \(entry.info.driver))")
        if show {
            guard let stored = store.load(for: entry.info) else { print("no tuned parameters stored (\(location))"); return }
            print("stored in \(location):")
            for e in stored.entries {
                let speed = e.gflopsPerSecond.map { String(format: ", %.1f GFLOP/s", $0) } ?? ""
                print("  \(e.kernel) at \(e.problem): \(e.milliseconds) ms\(speed) with " + e.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
            }
            return
        }
        if reset {
            try store.remove(for: entry.info)
            print("removed \(location); CLBlast's built-in parameters apply again")
            return
        }
        let executables = try kernelList.map { name -> (String, URL) in
            guard let url = Self.findExecutable(Self.tuners[name]!) else {
                throw CommandFailure("\(Self.tuners[name]!) is not installed; install CLBlast's tuners with: apt-get install clblast-utils")
            }
            return (name, url)
        }
        // The baseline is CLBlast's own parameters, whatever an earlier tuning stored.
        let backend = try OpenCLBackend(entry: entry, tuning: nil)
        let gemms = KernelCatalog.performance().filter { $0.kind == .gemm }
        print("timing the reference models' GEMMs with CLBlast's built-in parameters…")
        let before = try gemms.map { try KernelVerifier().time($0, on: backend, warmUp: 2, repeats: 7) }

        var tuning = store.load(for: entry.info) ?? CLBlastTuning(device: CLBlastTuningStore.identity(of: entry.info))
        for (name, executable) in executables {
            let results = try runTuner(name, executable, entry: entry)
            if results.isEmpty {
                print("  \(name): no result within \(seconds) s; give it more time with --seconds")
            }
            for result in results {
                let speed = result.entry.gflopsPerSecond.map { String(format: " (%.1f GFLOP/s)", $0) } ?? ""
                print("  \(name): best \(result.entry.milliseconds) ms at \(result.entry.problem)\(speed)")
                tuning.merge(result.entry)
            }
        }
        guard !tuning.entries.isEmpty else { throw CommandFailure("no tuner produced a result; nothing was stored") }
        let refused = backend.applyTuning(tuning)
        guard refused.isEmpty else {
            throw CommandFailure("CLBlast refused the tuned parameters for \(refused.map(\.kernel).joined(separator: ", ")); nothing was stored")
        }
        print("timing them again with the tuned parameters…")
        let after = try gemms.map { try KernelVerifier().time($0, on: backend, warmUp: 2, repeats: 7) }
        try store.save(tuning, for: entry.info)
        printComparison(before: before, after: after)
        print("stored in \(location); every run on this device uses them (recur tune --reset to undo)")
    }

    func openCLDevice() throws -> OpenCLDeviceEntry {
        let selector = BackendSelector()
        let request = try DeviceRequest(parsing: device)
        if case .cpu = request { throw CommandFailure("recur tune tunes CLBlast on an OpenCL device; the CPU backend uses OpenBLAS, which needs no tuning") }
        guard let entry = try selector.entry(for: request) else {
            throw CommandFailure("no OpenCL device to tune: \(selector.discoveryProblem ?? "none found"); the CPU backend uses OpenBLAS, which needs no tuning")
        }
        return entry
    }

    /// Runs one tuner in a scratch folder until it finishes or the time limit, and reads the
    /// results it wrote (the GEMM tuners write one per finished phase).
    func runTuner(_ name: String, _ executable: URL, entry: OpenCLDeviceEntry) throws -> [CLBlastTunerResult] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("recur-tune-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = folder.appendingPathComponent("tuner.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.currentDirectoryURL = folder
        process.arguments = ["-platform", "\(entry.platformIndex)", "-device", "\(entry.deviceIndex)", "-precision", "32",
                             "-m", "\(size)", "-n", "\(size)", "-k", "\(size)", "-runs", "2"]
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let started = Date()
        var reported = 0
        while process.isRunning && Date().timeIntervalSince(started) < Double(seconds) {
            Thread.sleep(forTimeInterval: 0.5)
            let elapsed = Int(Date().timeIntervalSince(started))
            if elapsed / 30 > reported {
                reported = elapsed / 30
                let tried = (try? String(contentsOf: log, encoding: .utf8))?.components(separatedBy: "results match").count ?? 1
                print("  \(name): \(elapsed) s of \(seconds), \(tried - 1) configurations tried")
                fflush(stdout)
            }
        }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? handle.close()
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return files.filter { $0.hasPrefix("clblast_") && $0.hasSuffix(".json") }.sorted().compactMap { file in
            (try? Data(contentsOf: folder.appendingPathComponent(file))).flatMap { try? CLBlastTunerResult(json: $0) }
        }
    }

    func printComparison(before: [KernelTiming], after: [KernelTiming]) {
        let rows = zip(before, after).map { b, a in
            [b.check, b.shape, String(format: "%.3f", b.medianMicroseconds / 1000), String(format: "%.3f", a.medianMicroseconds / 1000),
             String(format: "%.1f → %.1f", b.gflopsPerSecond, a.gflopsPerSecond),
             String(format: "%+.0f%%", (b.medianMicroseconds / a.medianMicroseconds - 1) * 100)]
        }
        print(Table.render(header: ["GEMM", "shape", "built-in ms", "tuned ms", "GFLOP/s", "speed-up"], rows: rows))
    }

    static func findExecutable(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }
}
