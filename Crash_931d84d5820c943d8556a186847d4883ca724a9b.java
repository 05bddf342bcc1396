import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

public class Crash_931d84d5820c943d8556a186847d4883ca724a9b {
    static final String base64Bytes = String.join("", "k05VTVBZcgAncGc=");

    public static void main(String[] args) throws Throwable {
        Crash_931d84d5820c943d8556a186847d4883ca724a9b.class.getClassLoader().setDefaultAssertionStatus(true);
        try {
            Method fuzzerInitialize = org.mgm.fuzz.NpyFuzzTarget.class.getMethod("fuzzerInitialize");
            fuzzerInitialize.invoke(null);
        } catch (NoSuchMethodException ignored) {
            try {
                Method fuzzerInitialize = org.mgm.fuzz.NpyFuzzTarget.class.getMethod("fuzzerInitialize", String[].class);
                fuzzerInitialize.invoke(null, (Object) args);
            } catch (NoSuchMethodException ignored1) {
            } catch (IllegalAccessException | InvocationTargetException e) {
                e.printStackTrace();
                System.exit(1);
            }
        } catch (IllegalAccessException | InvocationTargetException e) {
            e.printStackTrace();
            System.exit(1);
        }
        byte[] input = java.util.Base64.getDecoder().decode(base64Bytes);
        org.mgm.fuzz.NpyFuzzTarget.fuzzerTestOneInput(input);
    }
}