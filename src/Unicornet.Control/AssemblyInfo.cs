namespace Unicornet.Control;
