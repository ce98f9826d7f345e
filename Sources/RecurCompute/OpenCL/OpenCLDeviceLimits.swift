import COpenCL

/// What a device allows a work-group, read once when the backend starts: the launch shapes of
/// the fused loops and of the skinny GEMMs are chosen from these. Emulating a GPU
/// (``OpenCLPaths/gpu`` on a device that is not one) they are a GPU's (``OpenCLPaths/gpuLimits``)
/// wherever the device's own are larger.
struct OpenCLDeviceLimits {
    var localMemoryBytes: Int
    var maxWorkItemSizes: [Int]
    /// The most work-items of any group; a kernel's own limit may be lower
    /// (``OpenCLBackend/maxWorkGroupSize(_:in:)``).
    var maxWorkGroupSize: Int
    var isGPU: Bool
    var computeUnits: Int

    init(_ entry: OpenCLDeviceEntry, emulatingGPU: Bool) {
        localMemoryBytes = Int(OpenCLDiscovery.deviceValue(entry.device, CL_DEVICE_LOCAL_MEM_SIZE, as: cl_ulong.self))
        var sizes = [Int](repeating: 0, count: 3)
        clGetDeviceInfo(entry.device, cl_device_info(CL_DEVICE_MAX_WORK_ITEM_SIZES), 3 * MemoryLayout<Int>.size, &sizes, nil)
        maxWorkItemSizes = sizes
        maxWorkGroupSize = OpenCLDiscovery.deviceValue(entry.device, CL_DEVICE_MAX_WORK_GROUP_SIZE, as: Int.self)
        isGPU = entry.isGPU
        computeUnits = Swift.max(entry.info.computeUnits, 1)
        if emulatingGPU {
            let gpu = OpenCLPaths.gpuLimits
            isGPU = true
            localMemoryBytes = Swift.min(localMemoryBytes, gpu.localMemoryBytes)
            maxWorkItemSizes = zip(maxWorkItemSizes, gpu.workItemSizes).map { Swift.min($0, $1) }
            maxWorkGroupSize = Swift.min(maxWorkGroupSize, gpu.workGroupSize)
            // More compute units than a CPU device has, so launches are split as finely as a GPU's.
            computeUnits = gpu.computeUnits
        }
    }
}
