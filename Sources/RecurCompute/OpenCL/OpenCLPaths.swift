/// Which of the OpenCL backend's launch paths a device takes. Several ops have two: a GPU's
/// (work-groups sharing local memory, reads coalesced across work-items) and a CPU device's (a
/// work-item per tile of rows, chunks a core long, wide vectors).
public enum OpenCLPaths: String, Sendable, CaseIterable {
    /// The paths of the kind of device the driver reports.
    case device
    /// A GPU's paths on any device, within a GPU's limits (``gpuLimits``), so that where no GPU
    /// is at hand (CI, PoCL) the kernels and launch shapes a GPU host will run are still checked
    /// against the CPU reference: `recur verify --gpu-paths`, and the tests' kernel checks. On a
    /// GPU, its own paths and limits, as ``device``.
    case gpu

    /// The limits ``gpu`` works within: an NVIDIA H100's or H200's as its OpenCL driver reports
    /// them (48 KiB of local memory a group, 1,024 work-items a group and along each of the first
    /// two dimensions, 132 compute units). A device's own smaller limits still apply.
    static let gpuLimits = (localMemoryBytes: 48 * 1024, workGroupSize: 1024, workItemSizes: [1024, 1024, 64], computeUnits: 132)
}
