// swift-tools-version: 6.0
import Foundation
import PackageDescription

// Release builds of the compute core target AVX2 + FMA (Haswell, 2013, and later): the CPU
// backend's SIMD8 loops then run 8 lanes wide with fused multiply-adds instead of as pairs of
// SSE halves (stacked-simplernn: 15 → 13 ms/step). `RECUR_PORTABLE=1 swift build -c release`
// builds for baseline x86-64 instead; other architectures always do.
#if arch(x86_64)
let targetsHaswell = ProcessInfo.processInfo.environment["RECUR_PORTABLE"] == nil
#else
let targetsHaswell = false
#endif
let computeReleaseFlags = ["-Ounchecked"] + (targetsHaswell ? ["-target-cpu", "haswell", "-DRECUR_FMA"] : [])
// The C cell kernels (Sources/CCellKernels) mirror the Swift math bit for bit, so they fuse a
// multiply-add exactly where Swift does (RECUR_FMA) and nowhere else (-ffp-contract=off).
let cellKernelFlags = ["-O2", "-ffp-contract=off", "-Wno-psabi"]
let cellKernelReleaseFlags = cellKernelFlags + (targetsHaswell ? ["-march=haswell", "-DRECUR_FMA"] : [])

let package = Package(
    name: "Recur",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "recur", targets: ["recur"]),
        .library(name: "RecurCompute", targets: ["RecurCompute"]),
        .library(name: "Recur", targets: ["Recur"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // System-library shims: the OpenCL ICD loader + CLBlast, and OpenBLAS's cblas.
        .systemLibrary(name: "COpenCL", path: "Sources/COpenCL"),
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        .systemLibrary(name: "CSystemZlib", path: "Sources/CSystemZlib"),
        // A header-only shim: the vector square root Swift's standard library does not vectorize.
        .systemLibrary(name: "CVectorMath", path: "Sources/CVectorMath"),
        // OpenCL C sources, embedded into the binary so a binary copied alone to a GPU host runs.
        .target(
            name: "RecurKernels",
            path: "Kernels",
            exclude: ["README.md"],
            resources: [
                .embedInCode("common.cl"),
                .embedInCode("philox.cl"),
                .embedInCode("simple_rnn.cl"),
                .embedInCode("lstm.cl"),
                .embedInCode("gru.cl"),
                .embedInCode("embedding.cl"),
                .embedInCode("elementwise.cl"),
                .embedInCode("loss.cl"),
                .embedInCode("optimizer.cl"),
                .embedInCode("dropout.cl"),
                .embedInCode("reduce.cl"),
                .embedInCode("gemm_skinny.cl"),
                .embedInCode("recurrent_loop.cl"),
            ]
        ),
        .target(
            name: "CCellKernels",
            cSettings: [.unsafeFlags(cellKernelReleaseFlags, .when(configuration: .release)),
                        .unsafeFlags(cellKernelFlags, .when(configuration: .debug))]
        ),
        .target(
            name: "RecurCompute",
            dependencies: [
                "COpenCL", "CBLAS", "CVectorMath", "CCellKernels", "RecurKernels",
                .product(name: "Logging", package: "swift-log"),
            ],
            // Debug builds optimize the compute core too (with every check kept): unoptimized SIMD
            // code runs the tests' training loops several times slower than the checks are worth.
            swiftSettings: [.unsafeFlags(computeReleaseFlags, .when(configuration: .release)),
                            .unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        .target(
            name: "Recur",
            dependencies: [
                "RecurCompute", "CSystemZlib",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "recur",
            dependencies: [
                "Recur", "RecurBenchmark",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The benchmark harness behind `recur bench`: timing, FLOP counts, reports, sweeps, peers.
        .target(name: "RecurBenchmark", dependencies: ["Recur", "RecurCompute"], path: "Benchmarks/Harness"),
        .executableTarget(name: "data-pipeline-benchmark", dependencies: ["Recur"], path: "Benchmarks/DataPipeline"),
        .executableTarget(name: "imdb-accuracy", dependencies: ["Recur"], path: "Benchmarks/IMDBAccuracy"),
        .testTarget(name: "RecurComputeTests", dependencies: ["RecurCompute"], exclude: ["Goldens"]),
        .testTarget(
            name: "RecurTests",
            dependencies: ["Recur", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            exclude: ["Goldens", "Scripts"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "RecurBenchmarkTests", dependencies: ["RecurBenchmark", "Recur", "RecurCompute"]),
        .testTarget(name: "recurTests", dependencies: ["recur", "Recur"]),
    ],
    swiftLanguageModes: [.v5]
)
