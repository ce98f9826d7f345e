import ArgumentParser
import Foundation
import Recur
import RecurBenchmark
import RecurCompute

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time a training step and an inference step of every reference model on every device.",
        discussion: """
        For each preset (the models of the reference documents) on each device (every OpenCL
        device and the CPU backend), times full training steps (forward, backward, update) and
        inference steps on one batch of the preset's shape, after warm-up steps: the first IMDB
        training reviews (--data, by default ../shared/data/imdb/aclImdb_v1.tar.gz when it is
        there) tokenized as `recur train` does, or uniform random ids (--data random, and every
        sweep), which have about as many distinct tokens as a batch can. Prints the
        median, min and max ms/step, sequences/s, tokens/s, achieved GFLOP/s (FLOPs counted
        analytically: Benchmarks/README.md) as a fraction of the device's measured SGEMM peak,
        the memory the run allocated on the device, the document's own ms/step beside ours, and
        on OpenCL the device time per phase of one profiled step. Writes a JSON report under
        Benchmarks/results/ (or --results DIR) with the machine, devices, drivers, commit and date.

        Examples:
          recur bench --quick                              every preset, every device, few steps
          recur bench --preset lstm-imdb --device cpu --json lstm.json
          recur bench --preset bilstm --device opencl:0 --steps 30
          recur bench --quick --peers                      also Keras (plain, XLA) and PyTorch, interleaved
          recur bench --peers --rounds 3                   three interleaved rounds, pooled
          recur bench --sweep t --device cpu               cost against sequence length, JSON + SVG
          recur bench --sweep deepbench --device opencl    DeepBench's training shapes (GPU hosts)
          recur bench --quick --compare Benchmarks/results/OLD.json
          recur bench --preset bilstm --data random       uniform random ids instead of reviews
        """)

    @Flag(name: .long, help: "Few steps (1 warm-up, 3 timed, no pipelined pass); phases profiled on the timed trainer: minutes for everything.")
    var quick = false

    @Option(name: .long, parsing: .upToNextOption, help: "Only these presets (default: all seven).")
    var preset: [String] = []

    @Option(name: .long, parsing: .upToNextOption, help: "cpu, opencl (every OpenCL device), opencl:N, or all (default).")
    var device: [String] = []

    @Option(name: .long, help: "The batch the presets train on: an IMDB archive or folder (its first training reviews), or 'random' for uniform random ids (default: \(BenchRun.defaultData) when it exists, else random).")
    var data: String?

    @Option(name: .long, help: "Timed steps per configuration, for training and for inference each (default 10; 3 with --quick).")
    var steps: Int?

    @Option(name: .long, help: "Untimed warm-up steps before timing (default 3; 1 with --quick).")
    var warmup: Int?

    @Option(name: .long, help: "Warm up for at least this many seconds after the first step too, so that a device that starts slow after idling is up to speed (default \(StepPlan.defaultWarmUpSeconds); 0 for the step count alone).")
    var warmupSeconds: Double?

    @Option(name: .long, help: "Time each preset this many times, in turn with the other devices and the peers, and pool the rounds' steps: a slow stretch of a shared machine then falls on every contender instead of one (default 1).")
    var rounds: Int = 1

    @Option(name: .long, help: "Also write the JSON report to this file.")
    var json: String?

    @Option(name: .long, help: "Folder for the JSON report and sweep charts (default: Benchmarks/results when it exists, else bench-results).")
    var results: String?

    @Flag(name: .long, help: "Write no report file (--json still writes its file).")
    var noSave = false

    @Flag(name: .long, help: "Also time the same configurations in Keras (TensorFlow; plain and compiled with XLA) and PyTorch when installed (Benchmarks/peers/peers.py).")
    var peers = false

    @Option(name: .long, help: "Sweep t, b, h, deepbench or all (instead of the presets unless --preset is given).")
    var sweep: String?

    @Option(name: .long, parsing: .upToNextOption, help: "Cells for --sweep: simplernn, lstm, gru (default: all three).")
    var cells: [String] = []

    @Option(name: .long, help: "An earlier report: print the change of every configuration.")
    var compare: String?

    @Flag(name: .long, help: "Skip the per-phase profile on OpenCL devices.")
    var noPhases = false

    @Flag(name: .long, help: "Skip measuring the SGEMM peak.")
    var noPeak = false

    func validate() throws {
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1, got \(steps)") }
        if let warmup, warmup < 0 { throw ValidationError("--warmup must be at least 0, got \(warmup)") }
        if let warmupSeconds, !(0...600).contains(warmupSeconds) {
            throw ValidationError("--warmup-seconds must be between 0 and 600, got \(warmupSeconds)")
        }
        if rounds < 1 { throw ValidationError("--rounds must be at least 1, got \(rounds)") }
    }

    func run() throws {
        do {
            try BenchRun(self).run()
        } catch let error as BenchmarkError {
            throw CommandFailure(error.description)
        } catch let error as ComputeError {
            throw CommandFailure("\(error)")
        }
    }
}
