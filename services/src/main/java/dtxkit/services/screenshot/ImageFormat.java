package dtxkit.services.screenshot;

/** The image formats a device returns from {@link Screenshot#takeScreenshot()}, told apart by their magic. */
public enum ImageFormat {
    /** {@code 89 50 4E 47 0D 0A 1A 0A}. */
    PNG,
    /** {@code II*\0} or {@code MM\0*}. */
    TIFF,
    /** Anything else. */
    UNKNOWN;

    /**
     * The format of an image by its first bytes.
     *
     * @param image the bytes
     * @return the format
     */
    public static ImageFormat of(byte[] image) {
        if (image.length >= 8 && (image[0] & 0xFF) == 0x89 && image[1] == 'P' && image[2] == 'N' && image[3] == 'G'
                && image[4] == 0x0D && image[5] == 0x0A && image[6] == 0x1A && image[7] == 0x0A) {
            return PNG;
        }
        if (image.length >= 4 && ((image[0] == 'I' && image[1] == 'I' && image[2] == 42 && image[3] == 0)
                || (image[0] == 'M' && image[1] == 'M' && image[2] == 0 && image[3] == 42))) {
            return TIFF;
        }
        return UNKNOWN;
    }

    /**
     * The usual file extension.
     *
     * @return {@code "png"}, {@code "tiff"} or {@code "bin"}
     */
    public String extension() {
        return switch (this) {
            case PNG -> "png";
            case TIFF -> "tiff";
            case UNKNOWN -> "bin";
        };
    }
}
