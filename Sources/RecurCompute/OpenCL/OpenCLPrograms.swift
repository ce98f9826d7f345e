import COpenCL
import RecurKernels
import Foundation
import Logging

/// The kernel programs of one device, built once (from the on-disk cache when it has them).
/// A family that fails to build is recorded, not thrown: its ops become unsupported and the
/// device selector falls back to the CPU with the build log.
final class OpenCLPrograms {
    private(set) var programs: [String: cl_program] = [:]
    private(set) var failures: [String: ComputeError] = [:]
    private var kernels: [String: cl_kernel] = [:]
    private var workGroupSizes: [String: Int] = [:]
    private let device: cl_device_id
    /// Programs loaded from the on-disk cache rather than compiled.
    private(set) var cacheHits = 0
    let options = "-cl-std=CL1.2 -cl-mad-enable"

    init(context: cl_context, device: cl_device_id, info: DeviceInfo, cache: ProgramCache?, sourceOverrides: [String: String]) {
        self.device = device
        for (family, defaultSource) in KernelSources.programs.sorted(by: { $0.key < $1.key }) {
            let source = KernelSources.prelude + "\n" + (sourceOverrides[family] ?? defaultSource)
            do {
                let (program, fromCache) = try Self.build(family: family, source: source, options: options, context: context,
                                                          device: device, info: info, cache: cache)
                programs[family] = program
                if fromCache { cacheHits += 1 }
            } catch let error as ComputeError {
                failures[family] = error
            } catch {
                failures[family] = .programBuildFailed(program: family, device: info.name, log: "\(error)")
            }
        }
    }

    deinit {
        for kernel in kernels.values { clReleaseKernel(kernel) }
        for program in programs.values { clReleaseProgram(program) }
    }

    func kernel(_ name: String, in family: String) throws -> cl_kernel {
        if let kernel = kernels[name] { return kernel }
        guard let program = programs[family] else {
            throw failures[family] ?? ComputeError.unsupported(op: name, backend: "OpenCL (no program '\(family)')")
        }
        var status: cl_int = 0
        let kernel = clCreateKernel(program, name, &status)
        try OpenCLStatus.check(status, "clCreateKernel(\(name))")
        kernels[name] = kernel!
        return kernel!
    }

    /// The most work-items a group of kernel `name` may have on this device.
    func maxWorkGroupSize(_ name: String, in family: String) throws -> Int {
        if let known = workGroupSizes[name] { return known }
        var size = 0
        try OpenCLStatus.check(clGetKernelWorkGroupInfo(try kernel(name, in: family), device,
                                                        cl_kernel_work_group_info(CL_KERNEL_WORK_GROUP_SIZE), MemoryLayout<Int>.size, &size, nil),
                               "clGetKernelWorkGroupInfo(\(name))")
        workGroupSizes[name] = size
        return size
    }

    private static func build(family: String, source: String, options: String, context: cl_context, device: cl_device_id,
                              info: DeviceInfo, cache: ProgramCache?) throws -> (cl_program, fromCache: Bool) {
        let key = ProgramCache.key(source: source, options: options, device: info)
        var status: cl_int = 0
        if let cache, let binary = cache.load(name: family, key: key) {
            var deviceRef: cl_device_id? = device
            var length = binary.count
            var binaryStatus: cl_int = 0
            let program = binary.withUnsafeBufferPointer { buffer -> cl_program? in
                var pointer: UnsafePointer<UInt8>? = buffer.baseAddress
                return clCreateProgramWithBinary(context, 1, &deviceRef, &length, &pointer, &binaryStatus, &status)
            }
            if let program, status == CL_SUCCESS, binaryStatus == CL_SUCCESS,
               clBuildProgram(program, 1, &deviceRef, options, nil, nil) == CL_SUCCESS {
                Logger(label: "recur.opencl").debug("\(family).cl for \(info.name): loaded from the program cache")
                return (program, true)
            }
            if let program { clReleaseProgram(program) }
            // A stale or foreign binary: fall through and compile from source.
        }
        let program = source.withCString { text -> cl_program? in
            var pointer: UnsafePointer<CChar>? = text
            var length = strlen(text)
            return clCreateProgramWithSource(context, 1, &pointer, &length, &status)
        }
        try OpenCLStatus.check(status, "clCreateProgramWithSource(\(family))")
        var deviceRef: cl_device_id? = device
        let started = Date()
        let buildStatus = clBuildProgram(program, 1, &deviceRef, options, nil, nil)
        guard buildStatus == CL_SUCCESS else {
            let log = buildLog(program!, device)
            clReleaseProgram(program)
            throw ComputeError.programBuildFailed(program: "\(family).cl", device: info.name,
                                                  log: log.isEmpty ? OpenCLStatus.name(buildStatus) : log)
        }
        Logger(label: "recur.opencl").info("\(family).cl for \(info.name): compiled in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
        if let cache, let binary = programBinary(program!) { cache.store(name: family, key: key, binary: binary) }
        return (program!, false)
    }

    static func buildLog(_ program: cl_program, _ device: cl_device_id) -> String {
        var size = 0
        clGetProgramBuildInfo(program, device, cl_program_build_info(CL_PROGRAM_BUILD_LOG), 0, nil, &size)
        guard size > 1 else { return "" }
        var bytes = [CChar](repeating: 0, count: size)
        clGetProgramBuildInfo(program, device, cl_program_build_info(CL_PROGRAM_BUILD_LOG), size, &bytes, nil)
        return String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func programBinary(_ program: cl_program) -> [UInt8]? {
        var size = 0
        guard clGetProgramInfo(program, cl_program_info(CL_PROGRAM_BINARY_SIZES), MemoryLayout<Int>.size, &size, nil) == CL_SUCCESS,
              size > 0 else { return nil }
        var binary = [UInt8](repeating: 0, count: size)
        let ok = binary.withUnsafeMutableBufferPointer { buffer -> Bool in
            var pointer: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            return clGetProgramInfo(program, cl_program_info(CL_PROGRAM_BINARIES), MemoryLayout<UnsafeMutablePointer<UInt8>?>.size,
                                    &pointer, nil) == CL_SUCCESS
        }
        return ok ? binary : nil
    }
}
