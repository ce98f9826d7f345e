import ArgumentParser
import Foundation
import RecurCompute

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every kernel on every OpenCL device against the CPU reference.",
        discussion: """
        Runs each op (GEMM, the fused cell kernels forward and backward, embedding, element-wise,
        dropout, losses, optimizers, reductions) at several shapes, including ones that fit no tile
        (B=1, T=1, H=1, H=33, D=7), and prints the largest absolute and relative error per op and
        device. Exits 1 if any op fails or a kernel does not build, 2 if there is no OpenCL device.
        Run it on every new GPU host or driver before trusting the device.

        Set RECUR_KERNEL_DIR to a folder of <family>.cl files to verify edited kernels without
        rebuilding. With --gpu-paths an OpenCL device that is not a GPU (PoCL) is checked a second
        time, as opencl:N/gpu-paths, taking the launch paths a GPU takes within an H100's limits:
        the kernels a GPU host will run, checked where none is at hand.

        Examples:
          recur verify
          recur verify --gpu-paths
          recur verify --device opencl:1 --verbose
          recur verify --json verify.json
          recur verify --perf
        """)

    @Option(name: .long, help: "Verify only this device (an index, opencl:N, or part of its name).")
    var device: String?

    @Flag(name: .long, help: "Print one row per op and shape, and build logs.")
    var verbose = false

    @Flag(name: .long, help: "Also check each OpenCL device that is not a GPU on a GPU's launch paths.")
    var gpuPaths = false

    @Option(name: .long, help: "Also write the results as JSON to this file.")
    var json: String?

    @Flag(name: .long, help: "Also time each op at the reference models' shapes on every device and the CPU backend.")
    var perf = false

    func run() throws {
        let selector = BackendSelector()
        var backends: [Backend] = []
        var entries: [OpenCLDeviceEntry] = []
        if let device {
            let request = DeviceRequest(parsing: device)
            if request == .cpu {
                backends = [CPUBackend()]
            } else {
                do {
                    guard let entry = try selector.entry(for: request) else { throw ComputeError.unknownDevice(requested: device, available: []) }
                    entries = [entry]
                } catch let error as ComputeError {
                    FileHandle.standardError.write(Data("recur verify: \(error)\n".utf8))
                    throw ExitCode(2)
                }
            }
        } else {
            guard !selector.devices.isEmpty else {
                let reason = selector.discoveryProblem ?? "no OpenCL device found"
                FileHandle.standardError.write(Data("recur verify: \(reason); nothing to check against the CPU reference (install an OpenCL driver: pocl-opencl-icd, or your GPU vendor's)\n".utf8))
                throw ExitCode(2)
            }
            entries = selector.devices
        }
        let paths: [(OpenCLDeviceEntry, OpenCLPaths)] = entries.map { ($0, .device) }
            + (gpuPaths ? entries.filter { !$0.isGPU }.map { ($0, .gpu) } : [])
        for entry in entries where gpuPaths && entry.isGPU {
            print("\(entry.info.identifier) is a GPU: its own paths are a GPU's, checked once")
        }
        for (entry, paths) in paths {
            backends.append(try OpenCLBackend(entry: entry, cache: selector.cache, sourceOverrides: selector.sourceOverrides, paths: paths))
        }
        for backend in backends { print("verifying \(backend.device.identifier): \(backend.device.name) (\(backend.device.version), driver \(backend.device.driver))") }
        let interactive = isatty(STDOUT_FILENO) != 0
        let report = VerificationRun.run(on: backends) { done, total in
            if interactive { print("\r  \(done)/\(total) checks", terminator: done == total ? "\n" : ""); fflush(stdout) }
        }
        print(VerifyTable.render(report, verbose: verbose))
        for (device, failures) in report.buildFailures.sorted(by: { $0.key < $1.key }) {
            for (family, message) in failures.sorted(by: { $0.key < $1.key }) {
                print("\(device): \(family).cl did not build: \(verbose ? message : String(message.prefix(300)))")
            }
        }
        if let json { try VerifyTable.json(report).write(to: URL(fileURLWithPath: json)) }
        if perf { try printTimings(backends) }
        let checks = report.results.count
        if report.passed {
            print("\(checks) passed, 0 failed")
        } else {
            print("\(checks - report.failedCount) passed, \(report.failedCount) failed")
            throw ExitCode(1)
        }
    }

    /// Median time per op at the reference models' shapes, each device beside the CPU backend.
    func printTimings(_ backends: [Backend]) throws {
        let verifier = KernelVerifier()
        let cpu = CPUBackend()
        var rows: [[String]] = []
        for check in KernelCatalog.performance() {
            let reference = try verifier.time(check, on: cpu)
            for backend in backends where backend.device.kind != .cpu {
                let timing = try verifier.time(check, on: backend)
                rows.append([check.name, check.shape, timing.device, Table.format(timing.medianMicroseconds, 1),
                             Table.format(reference.medianMicroseconds, 1),
                             Table.format(reference.medianMicroseconds / timing.medianMicroseconds, 2) + "x",
                             timing.flops > 0 ? Table.format(timing.gflopsPerSecond, 1) : "",
                             reference.flops > 0 ? Table.format(reference.gflopsPerSecond, 1) : ""])
            }
        }
        print("\nper-op time, median of 15 after 3 warm-up, one synchronize per repeat (µs):")
        print(Table.render(header: ["op", "shape", "device", "device µs", "CPU µs", "CPU/device", "device GFLOP/s", "CPU GFLOP/s"],
                           rows: rows))
    }
}
