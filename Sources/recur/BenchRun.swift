import Foundation
import Recur
import RecurBenchmark
import RecurCompute

/// One `recur bench` run: the devices and configurations it asked for, measured in order
/// (each preset on every device, then its peers, so drift in the machine hits all of them; with
/// `--rounds`, that round repeated and the rounds' steps pooled),
/// then the tables, the report and the comparison.
struct BenchRun {
    let options: BenchCommand
    let plan: StepPlan
    /// CPU steps timed op by op for the phase table (one with `--quick`): its wall times move
    /// with the machine's other tenants, so each phase is a median.
    var hostProfileSteps: Int { options.quick ? 1 : 5 }

    init(_ options: BenchCommand) {
        self.options = options
        var plan = options.quick ? StepPlan.quick : StepPlan.standard
        if let steps = options.steps { plan.steps = steps }
        if let warmup = options.warmup { plan.warmUp = warmup }
        if let seconds = options.warmupSeconds { plan.warmUpSeconds = seconds }
        self.plan = plan
    }

    /// A device to measure: its backend, and (OpenCL) the entry to make a profiling twin from.
    struct Target {
        let backend: Backend
        let entry: OpenCLDeviceEntry?
    }

    /// Where `recur train` and the tests find IMDB.
    static let defaultData = "../shared/data/imdb/aclImdb_v1.tar.gz"

    func run() throws {
        let presets = try selectedPresets()
        let sweeps = try selectedSweeps()
        let cells = try selectedCells()
        let selector = BackendSelector()
        let targets = try selectedTargets(selector)
        // Read the old report first: a bad path should not wait for the whole run.
        let old = try options.compare.map { try BenchmarkReport.read(from: URL(fileURLWithPath: $0)) }
        let machine = MachineInfo.current()
        let date = ISO8601DateFormatter().string(from: Date())
        var report = BenchmarkReport(date: date, command: (["recur"] + CommandLine.arguments.dropFirst()).joined(separator: " "),
                                     commit: SourceCommit.current(), machine: machine)
        report.devices = targets.map { DeviceRecord(device: $0.backend.device.identifier, name: $0.backend.device.name,
                                                    platform: $0.backend.device.platform, version: $0.backend.device.version,
                                                    driver: $0.backend.device.driver) }
        print("recur bench, \(date), commit \(report.commit)")
        print("machine: \(machine.cpuModel), \(machine.cores) cores, \(Table.bytes(machine.memoryBytes))")
        for device in report.devices { print("device \(device.device): \(device.name) (\(device.platform), \(device.version), driver \(device.driver))") }
        let warmUpTime = plan.warmUpSeconds > 0 ? " (and at least \(Table.format(plan.warmUpSeconds, 2)) s of them)" : ""
        print("steps: \(plan.warmUp) warm-up\(warmUpTime) + \(plan.steps) timed, training and inference each"
              + (options.rounds > 1 ? "; \(options.rounds) rounds per preset, in turn with the other devices and the peers, their steps pooled" : ""))
        let text = presets.isEmpty ? nil : try selectedText()
        fflush(stdout)

        var peaks: [String: SGEMMPeak] = [:]
        if !options.noPeak {
            for target in targets {
                let size = target.entry?.isGPU == true ? 4096 : 1024
                let peak = try SGEMMPeakMeasurement.measure(on: target.backend, size: size, repeats: options.quick ? 2 : 4)
                peaks[peak.device] = peak
                report.sgemmPeaks.append(peak)
            }
            print("SGEMM peak (roofline): " + report.sgemmPeaks.map {
                "\($0.device) \(Table.format($0.gflopsPerS, 1)) GFLOP/s (\($0.library), \($0.size)³)"
            }.joined(separator: "; "))
        }

        var peerRunner: PeerRunner?
        if options.peers {
            let (runner, problem) = PeerRunner.locate()
            if let problem { print(problem) }
            peerRunner = runner
            if let runner {
                let versions = runner.probe()
                print("peers: " + PeerRunner.peers.map { "\($0.name) \(versions[$0.framework] ?? "not installed")" }.joined(separator: ", ")
                      + (versions.isEmpty ? " (pip install tensorflow-cpu torch)" : ""))
            }
        }
        fflush(stdout)

        var profilers: [String: OpenCLBackend] = [:]
        for preset in presets {
            var benchmark = try BenchmarkCase.preset(preset)
            if let text { benchmark = try benchmark.on(text.batch(for: preset)) }
            // The peers draw the same random batch themselves; a text batch they read.
            let batchFile = peerRunner == nil || benchmark.data.source == .random ? nil : try PeerRunner.write(benchmark.data, batch: benchmark.batch)
            defer { batchFile.map { try? FileManager.default.removeItem(at: $0) } }
            var rounds = targets.map { _ in [CaseMeasurement.Round]() }
            var phases = targets.map { _ in [PhaseTime]?.none }
            var peerRounds = PeerRunner.peers.map { _ in [PeerRecord]() }
            for round in 0..<options.rounds {
                if options.rounds > 1 { progress("\(benchmark.name): round \(round + 1) of \(options.rounds)") }
                for (index, target) in targets.enumerated() {
                    rounds[index].append(try time(benchmark, on: target.backend) { trainer in
                        // The CPU backend times its ops on the host, and --quick profiles an OpenCL
                        // device's timed trainer itself (its backend has profiling queues).
                        guard round == 0, !options.noPhases, target.entry == nil || options.quick else { return }
                        progress("\(benchmark.name) on \(target.backend.device.identifier): profiling \(target.entry == nil ? "\(hostProfileSteps) steps" : "one step") …")
                        phases[index] = try PhaseProfile.run(benchmark, trainer: trainer, hostSteps: hostProfileSteps)
                    })
                    if round == 0, !options.quick, !options.noPhases, let entry = target.entry {
                        phases[index] = try profile(benchmark, entry: entry, selector: selector, profilers: &profilers)
                    }
                }
                guard let peerRunner else { continue }
                for (index, peer) in PeerRunner.peers.enumerated() {
                    progress("\(preset.rawValue) in \(peer.name) …")
                    peerRounds[index].append(peerRunner.run(peer, preset: preset.rawValue, batch: benchmark.batch, plan: plan,
                                                            batchFile: batchFile))
                }
            }
            let measured = targets.indices.map { index in
                var record = CaseMeasurement.record(benchmark, device: targets[index].backend.device, plan: plan, rounds: rounds[index],
                                                    peak: peaks[targets[index].backend.device.identifier])
                record.phases = phases[index]
                return record
            }
            report.results += measured
            for answers in peerRounds where !answers.isEmpty {
                var peer = PeerRunner.pooled(answers)
                if let ms = peer.trainMsMedian, peer.available {
                    peer.speedUps = Dictionary(uniqueKeysWithValues: measured.map { ($0.device, ms / $0.trainMsMedian) })
                }
                report.peers.append(peer)
            }
        }

        for kind in sweeps {
            for point in kind.points(cells: cells) {
                let benchmark = try BenchmarkCase.recurrent(point)
                for target in targets {
                    do {
                        report.sweeps.append(try measure(benchmark, on: target.backend, peak: peaks[target.backend.device.identifier]))
                    } catch ComputeError.outOfMemory(let bytes, let device) {
                        print("\(point.label) on \(target.backend.device.identifier): does not fit (\(bytes) bytes on \(device)); skipped")
                    }
                }
            }
        }

        report.warnings = CaseMeasurement.lossWarnings(report.results) + CaseMeasurement.lossWarnings(report.sweeps)
        print("")
        if !report.results.isEmpty { print(BenchTables.results(report.results)); print("") }
        let phased = report.results.filter { $0.phases != nil }
        if !phased.isEmpty {
            print("time per phase of a training step (ms; OpenCL: device time of one profiled step from profiling events; "
                  + "cpu: host wall time of each op run alone, median of \(hostProfileSteps) steps; a bidirectional layer's "
                  + "directions run one after the other here, where the timed step runs their loops side by side):")
            print(BenchTables.phases(phased)); print("")
        }
        if !report.peers.isEmpty { print(BenchTables.peers(report.peers, recur: report.results)); print("") }
        if !report.sweeps.isEmpty { print(BenchTables.sweeps(report.sweeps)); print("") }
        for warning in report.warnings { print(warning) }

        try save(report, sweeps: sweeps)
        if let compare = options.compare, let old {
            print("\nchange since \(compare) (\(old.date), commit \(old.commit)); negative is faster:")
            for note in BenchmarkComparison.batchNotes(old: old.results, new: report.results) { print(note) }
            print(BenchTables.comparison(BenchmarkComparison.rows(old: old.results + old.sweeps, new: report.results + report.sweeps)))
        }
    }

    func measure(_ benchmark: BenchmarkCase, on backend: Backend, peak: SGEMMPeak?) throws -> BenchmarkRecord {
        CaseMeasurement.record(benchmark, device: backend.device, plan: plan, rounds: [try time(benchmark, on: backend)], peak: peak)
    }

    func time(_ benchmark: BenchmarkCase, on backend: Backend,
              afterwards: (Trainer) throws -> Void = { _ in }) throws -> CaseMeasurement.Round {
        progress("\(benchmark.name) on \(backend.device.identifier) …")
        let round = try CaseMeasurement.time(benchmark, on: backend, plan: plan, afterwards: afterwards)
        let median = { (times: StepTimes) in Table.format(SampleStatistics(times.milliseconds).median, 1) }
        progress("\(benchmark.name) on \(backend.device.identifier): train \(median(round.train)) ms/step, infer \(median(round.infer)) ms/step")
        return round
    }

    func profile(_ benchmark: BenchmarkCase, entry: OpenCLDeviceEntry, selector: BackendSelector,
                 profilers: inout [String: OpenCLBackend]) throws -> [PhaseTime] {
        let backend: OpenCLBackend
        if let existing = profilers[entry.info.identifier] {
            backend = existing
        } else {
            backend = try OpenCLBackend(entry: entry, cache: selector.cache, sourceOverrides: selector.sourceOverrides, profiling: true)
            profilers[entry.info.identifier] = backend
        }
        progress("\(benchmark.name) on \(entry.info.identifier): profiling one step …")
        return try PhaseProfile.run(benchmark, on: backend)
    }

    func progress(_ line: String) {
        FileHandle.standardError.write(Data("  \(line)\n".utf8))
    }

    func save(_ report: BenchmarkReport, sweeps: [SweepKind]) throws {
        let data = try report.encoded()
        if let json = options.json {
            try data.write(to: URL(fileURLWithPath: json), options: .atomic)
            print("wrote \(json)")
        }
        guard !options.noSave else { return }
        let folder = options.results ?? (FileManager.default.fileExists(atPath: "Benchmarks/results") ? "Benchmarks/results" : "bench-results")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = (folder as NSString).appendingPathComponent(report.fileName)
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        print("wrote \(path)")
        for kind in sweeps where report.sweeps.contains(where: { $0.sweep == kind.rawValue }) {
            let svgPath = String(path.dropLast(".json".count)) + "-sweep-\(kind.rawValue).svg"
            let title = "Recur training step vs \(kind.axisTitle) (\(report.machine.cores)-core \(report.machine.cpuModel))"
            try Data(SweepChart.svg(report.sweeps, sweep: kind, title: title).utf8).write(to: URL(fileURLWithPath: svgPath), options: .atomic)
            print("wrote \(svgPath)")
        }
    }

    // MARK: what to measure

    /// The reviews the presets' batches come from, or nil for random ids; says which on stdout.
    func selectedText() throws -> IMDBBenchmarkText? {
        let path: String
        switch options.data {
        case "random"?:
            print("batches: uniform random token ids (--data random)")
            return nil
        case let given?:
            path = given
        case nil:
            guard FileManager.default.fileExists(atPath: Self.defaultData) else {
                print("batches: uniform random token ids (no IMDB archive at \(Self.defaultData); pass --data PATH to time real reviews)")
                return nil
            }
            path = Self.defaultData
        }
        let text: IMDBBenchmarkText
        do { text = try IMDBBenchmarkText(path: path) } catch {
            throw BenchmarkError.invalid("--data \(path): \(error) (pass an IMDB archive or folder, or --data random)")
        }
        print("batches: the first IMDB training reviews in Keras's order from \(path), tokenized and padded as recur train does")
        return text
    }

    func selectedPresets() throws -> [ReferencePreset] {
        if options.preset.isEmpty { return options.sweep == nil ? ReferencePreset.allCases : [] }
        return try options.preset.flatMap { text in
            try text.split(separator: ",").map { name in
                guard let preset = ReferencePreset(rawValue: String(name).lowercased()) else { throw BenchmarkError.unknownPreset(String(name)) }
                return preset
            }
        }
    }

    func selectedSweeps() throws -> [SweepKind] {
        guard let sweep = options.sweep else { return [] }
        guard let kinds = SweepKind.parse(sweep) else {
            throw BenchmarkError.invalid("unknown sweep '\(sweep)'; choose t, b, h, deepbench or all")
        }
        return kinds
    }

    func selectedCells() throws -> [SweepCell] {
        if options.cells.isEmpty { return SweepCell.allCases }
        return try options.cells.flatMap { $0.split(separator: ",") }.map { name in
            guard let cell = SweepCell(rawValue: String(name).lowercased()) else {
                throw BenchmarkError.invalid("unknown cell '\(name)'; choose simplernn, lstm or gru")
            }
            return cell
        }
    }

    func selectedTargets(_ selector: BackendSelector) throws -> [Target] {
        let requests = options.device.isEmpty ? ["all"] : options.device.flatMap { $0.split(separator: ",").map(String.init) }
        let available = selector.deviceInfos.map { "\($0.identifier) (\($0.name))" }
        var entries: [OpenCLDeviceEntry] = []
        var cpu = false
        for request in requests {
            let lowered = request.lowercased()
            switch lowered {
            case "all":
                entries += selector.devices
                cpu = true
                if selector.devices.isEmpty {
                    print("\(selector.discoveryProblem ?? "no OpenCL device found"); measuring the CPU backend only (install an OpenCL driver: pocl-opencl-icd, or your GPU vendor's)")
                }
            case "cpu":
                cpu = true
            case "opencl", "gpu":
                guard !selector.devices.isEmpty else {
                    throw BenchmarkError.invalid("--device \(request): \(selector.discoveryProblem ?? "no OpenCL device found") (install an OpenCL driver: pocl-opencl-icd, or your GPU vendor's; or pass --device cpu)")
                }
                entries += selector.devices
            default:
                guard lowered.hasPrefix("opencl:"), let index = Int(lowered.dropFirst("opencl:".count)) else {
                    throw BenchmarkError.unknownDevice(requested: request, available: ["cpu", "opencl", "all"] + available)
                }
                guard selector.devices.indices.contains(index) else {
                    throw BenchmarkError.unknownDevice(requested: request, available: available)
                }
                entries.append(selector.devices[index])
            }
        }
        var targets: [Target] = []
        var seen = Set<String>()
        for entry in entries where seen.insert(entry.info.identifier).inserted {
            // --quick times on profiling queues and profiles the same trainer afterwards (no second
            // context to build and warm); the default keeps timed queues plain and profiles apart.
            let backend = try OpenCLBackend(entry: entry, cache: selector.cache, sourceOverrides: selector.sourceOverrides,
                                            profiling: options.quick && !options.noPhases)
            if let (family, _) = backend.buildFailures.min(by: { $0.key < $1.key }) {
                print("\(entry.info.identifier): kernel program '\(family).cl' failed to build; skipping this device (recur verify --device \(entry.info.identifier) --verbose shows the log)")
                continue
            }
            targets.append(Target(backend: backend, entry: entry))
        }
        if cpu { targets.append(Target(backend: CPUBackend(), entry: nil)) }
        return targets
    }
}
