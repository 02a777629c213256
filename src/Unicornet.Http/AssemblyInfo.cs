namespace Unicornet.Http;
