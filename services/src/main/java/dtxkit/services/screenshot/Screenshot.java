package dtxkit.services.screenshot;

import dtxkit.annotations.DtxMethod;
import dtxkit.annotations.DtxService;

/**
 * Captures the screen: the {@code screenshot} Instruments service.
 *
 * <pre>{@code
 * byte[] png = connection.open(Screenshot.class).takeScreenshot();
 * Files.write(Path.of("screen.png"), png);
 * }</pre>
 */
@DtxService("com.apple.instruments.server.services.screenshot")
public interface Screenshot {

    /**
     * Takes a screenshot.
     *
     * @return the image: PNG, or TIFF on some devices (see {@link ImageFormat#of(byte[])})
     */
    @DtxMethod("takeScreenshot")
    byte[] takeScreenshot();
}
